/**
 * Python import statements as data: what a file already imports, and whether an import line a
 * snippet needs is already satisfied (so inserting a snippet never duplicates an import).
 *
 * Plain Node: never import `vscode` here.
 */
import { PythonStatement } from './pythonStatements';

export interface ImportedName {
  /** `a.b` in `import a.b`, or `x` in `from m import x`. */
  readonly name: string;
  readonly alias?: string;
}

export type ImportStatement =
  | { readonly kind: 'import'; readonly names: readonly ImportedName[] }
  | { readonly kind: 'from'; readonly module: string; readonly names: readonly ImportedName[]; readonly star: boolean };

/** Parses `import …` / `from … import …` code (comments already removed); undefined otherwise. */
export function parseImport(code: string): ImportStatement | undefined {
  const flat = code.replace(/[()]/g, ' ').replace(/\s+/g, ' ').trim();
  const plain = /^import (.+)$/.exec(flat);
  if (plain) {
    const names = parseNames(plain[1]);
    return names ? { kind: 'import', names } : undefined;
  }
  const from = /^from (\.*[\w.]*) import (.+)$/.exec(flat);
  if (from) {
    const module = from[1].replace(/\s+/g, '');
    if (from[2].trim() === '*') {
      return { kind: 'from', module, names: [], star: true };
    }
    const names = parseNames(from[2]);
    return names ? { kind: 'from', module, names, star: false } : undefined;
  }
  return undefined;
}

function parseNames(list: string): ImportedName[] | undefined {
  const names: ImportedName[] = [];
  for (const part of list.split(',')) {
    const item = part.trim();
    if (item === '') {
      continue; // trailing comma in a parenthesised list
    }
    const match = /^([\w.]+)(?: as (\w+))?$/.exec(item.replace(/\s*\.\s*/g, '.'));
    if (!match) {
      return undefined;
    }
    names.push(match[2] ? { name: match[1], alias: match[2] } : { name: match[1] });
  }
  return names.length > 0 ? names : undefined;
}

/** What a set of import statements binds, in a form cheap to query. */
export class ImportIndex {
  /** `boundName → full target` (e.g. `trace → opentelemetry.trace`, `T → opencensus.trace.tracer.Tracer`). */
  private readonly bindings = new Map<string, Set<string>>();
  /** Modules named in plain `import a.b.c` statements without an alias. */
  private readonly plainModules = new Set<string>();
  private readonly starModules = new Set<string>();

  static fromStatements(statements: readonly PythonStatement[]): ImportIndex {
    const index = new ImportIndex();
    for (const statement of statements) {
      const parsed = parseImport(statement.code);
      if (parsed) {
        index.add(parsed);
      }
    }
    return index;
  }

  add(statement: ImportStatement): void {
    if (statement.kind === 'import') {
      for (const { name, alias } of statement.names) {
        if (alias) {
          this.bind(alias, name);
        } else {
          this.plainModules.add(name);
          const root = name.split('.')[0];
          this.bind(root, root);
        }
      }
      return;
    }
    if (statement.star) {
      this.starModules.add(statement.module);
    }
    for (const { name, alias } of statement.names) {
      this.bind(alias ?? name, `${statement.module}.${name}`);
    }
  }

  private bind(name: string, target: string): void {
    let targets = this.bindings.get(name);
    if (!targets) {
      targets = new Set();
      this.bindings.set(name, targets);
    }
    targets.add(target);
  }

  /** Whether `import module` (no alias) is already in effect. */
  hasPlainImport(module: string): boolean {
    for (const existing of this.plainModules) {
      if (existing === module || existing.startsWith(`${module}.`)) {
        return true;
      }
    }
    return false;
  }

  /** Whether `boundName` already refers to `target` (by any spelling of the import). */
  binds(boundName: string, target: string): boolean {
    if (this.bindings.get(boundName)?.has(target)) {
      return true;
    }
    const dot = target.lastIndexOf('.');
    // `from m import *` binds every public name of m.
    return dot > 0 && target.slice(dot + 1) === boundName && this.starModules.has(target.slice(0, dot));
  }

  /** Module names (plain, aliased or `from`) this index mentions, for SDK detection. */
  modules(): string[] {
    const modules = new Set<string>(this.plainModules);
    for (const targets of this.bindings.values()) {
      for (const target of targets) {
        modules.add(target);
      }
    }
    for (const star of this.starModules) {
      modules.add(star);
    }
    return [...modules];
  }
}

/**
 * The part of a required import line that is not yet satisfied by `index`, as a Python line, or
 * undefined when nothing is missing. `from m import a, b` with `a` present gives `from m import b`.
 */
export function missingImport(required: string, index: ImportIndex): string | undefined {
  const parsed = parseImport(required);
  if (!parsed) {
    return required; // not an import we understand: keep it rather than lose it
  }
  if (parsed.kind === 'import') {
    const missing = parsed.names.filter(({ name, alias }) => (alias ? !index.binds(alias, name) : !index.hasPlainImport(name)));
    return missing.length === 0 ? undefined : `import ${missing.map(formatName).join(', ')}`;
  }
  const missing = parsed.names.filter(({ name, alias }) => !index.binds(alias ?? name, `${parsed.module}.${name}`));
  return missing.length === 0 ? undefined : `from ${parsed.module} import ${missing.map(formatName).join(', ')}`;
}

function formatName({ name, alias }: ImportedName): string {
  return alias ? `${name} as ${alias}` : name;
}
