/**
 * Set Up on a file that is already instrumented: which SDK is there (OpenCensus, the distro, the
 * Azure Monitor exporter or plain OTLP), whether the chosen one would be stacked on it, and, for
 * "replace", the edits that take out the old SDK's set-up lines that Set Up itself inserts (the
 * catalogue's statements, recognised the way insertion recognises them), leaving the user's own
 * code alone.
 *
 * Plain Node: never import `vscode` here.
 */
import { SNIPPETS } from '../snippets/catalogue';
import { statementKey } from '../snippets/insertion';
import { ImportIndex, parseImport } from '../snippets/pythonImports';
import { PythonStatement, scanStatements } from '../snippets/pythonStatements';
import { analyseLayout, lineText } from '../snippets/sourceLayout';
import { applyTextEdits, makeEdit, PlannedTextEdit } from '../snippets/textEdits';
import type { SnippetSdk } from '../snippets/types';
import type { SetupSdk } from './setupPlan';

/** `exporter`: azure-monitor-opentelemetry-exporter wired by hand; `otlp`: the plain OTLP exporters. */
export type InstrumentationKind = 'opencensus' | 'distro' | 'exporter' | 'otlp';

function kindOfModule(module: string): InstrumentationKind | undefined {
  const within = (prefix: string): boolean => module === prefix || module.startsWith(`${prefix}.`);
  if (within('opencensus')) return 'opencensus';
  if (within('azure.monitor.opentelemetry.exporter')) return 'exporter';
  if (within('azure.monitor.opentelemetry')) return 'distro';
  if (within('opentelemetry.exporter.otlp')) return 'otlp';
  return undefined;
}

/** Every SDK the file's imports (nested ones too) set up, in a stable order. */
export function detectInstrumentation(sourceText: string): InstrumentationKind[] {
  const found = new Set<InstrumentationKind>();
  for (const module of ImportIndex.fromStatements(scanStatements(sourceText)).modules()) {
    const kind = kindOfModule(module);
    if (kind) found.add(kind);
  }
  return (['opencensus', 'distro', 'exporter', 'otlp'] as const).filter((kind) => found.has(kind));
}

/** What the chosen SDK would be stacked on: every detected kind but the chosen SDK's own. */
export function conflictingInstrumentation(sourceText: string, chosen: SetupSdk): InstrumentationKind[] {
  const own: InstrumentationKind = chosen === 'opencensus' ? 'opencensus' : 'distro';
  return detectInstrumentation(sourceText).filter((kind) => kind !== own);
}

const CATALOGUE_SDK: Readonly<Record<InstrumentationKind, SnippetSdk | undefined>> = {
  opencensus: 'opencensus',
  distro: 'opentelemetry',
  exporter: undefined, // Set Up never inserts it: there is nothing of ours to take out
  otlp: 'otlp',
};

/** Modules whose imports belong to the kind's set-up (the distro's snippets use the OpenTelemetry API too). */
function belongsTo(kind: InstrumentationKind, module: string): boolean {
  if (kindOfModule(module) === kind) return true;
  const api = module === 'opentelemetry' || module.startsWith('opentelemetry.');
  return api && (kind === 'distro' || kind === 'otlp') && kindOfModule(module) === undefined;
}

export interface RemovalPlan {
  /** Deletions, in document order, against the original text. */
  readonly edits: readonly PlannedTextEdit[];
  readonly resultText: string;
  /** Statements (imports included) taken out. */
  readonly removedStatements: number;
  /** True when the old SDK is still imported afterwards (the user's own code uses it). */
  readonly stillUsed: boolean;
}

interface Group {
  readonly head: PythonStatement;
  readonly startLine: number;
  readonly endLine: number;
  readonly code: string;
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The edits that take `kind`'s set-up out of the file: top-level statements the catalogue's
 * snippets of that SDK insert (same key as insertion uses) and that touch the SDK (a name it
 * imports, a name such a statement defined, or its module named in a string, as in Django's
 * settings); the comment lines the snippets put above them; then the SDK's imports nothing left
 * refers to. A statement the snippets share with others (`app = Flask(__name__)`) stays.
 */
export function planSdkRemoval(sourceText: string, kind: InstrumentationKind): RemovalPlan {
  const sdk = CATALOGUE_SDK[kind];
  const layout = analyseLayout(sourceText);
  const snippets = SNIPPETS.filter((snippet) => snippet.sdk === sdk);
  const knownKeys = new Set<string>();
  const knownComments = new Set<string>();
  for (const snippet of snippets) {
    for (const statement of scanStatements(snippet.setup)) if (statement.topLevel) knownKeys.add(statementKey(statement.code).value);
    for (const line of snippet.setup.split('\n')) if (line.trim().startsWith('#')) knownComments.add(line.trim());
  }

  const groups = topLevelGroups(layout.statements);
  const importGroups = groups.filter((group) => parseImport(group.head.code) !== undefined);
  const sdkImports = importGroups.filter((group) => {
    const parsed = parseImport(group.head.code)!;
    return parsed.kind === 'from' ? belongsTo(kind, parsed.module) : parsed.names.every(({ name }) => belongsTo(kind, name));
  });
  const tainted = new Set<string>();
  for (const group of sdkImports) for (const name of boundNames(group.head.code)) tainted.add(name);

  const removed = new Set<Group>();
  const modulePattern = kind === 'opencensus' ? /["']opencensus\./ : undefined;
  let grew = true;
  while (grew) {
    grew = false;
    for (const group of groups) {
      if (removed.has(group) || importGroups.includes(group) || !knownKeys.has(statementKey(group.head.code).value)) continue;
      const touches = identifiers(group.code).some((name) => tainted.has(name)) || (modulePattern?.test(group.code) ?? false);
      if (!touches) continue;
      removed.add(group);
      for (const name of definedNames(group.head.code)) tainted.add(name);
      grew = true;
    }
  }

  const remainingCode = groups.filter((group) => !removed.has(group) && !sdkImports.includes(group)).map((group) => group.code);
  const stillReferenced = new Set(remainingCode.flatMap((code) => identifiers(code)));
  for (const group of sdkImports) {
    if (!boundNames(group.head.code).some((name) => stillReferenced.has(name))) removed.add(group);
  }

  const lines = new Set<number>();
  const starts = layout.lineStarts;
  const isBlank = (line: number): boolean => lineText(sourceText, starts, line).trim() === '';
  for (const group of removed) {
    for (let line = group.startLine; line <= group.endLine; line++) lines.add(line);
    for (let line = group.startLine - 1; line >= 0 && knownComments.has(lineText(sourceText, starts, line).trim()); line--) lines.add(line);
  }
  // A removed block between blank lines takes the blank lines after it too: no growing gaps.
  const lastLine = starts.length - 1;
  for (const line of [...lines].sort((a, b) => a - b)) {
    if (lines.has(line + 1)) continue;
    let first = line;
    while (first - 1 >= 0 && lines.has(first - 1)) first--;
    const blankBefore = first === 0 || isBlank(first - 1);
    for (
      let next = line + 1;
      blankBefore && next <= lastLine && next < starts.length && isBlank(next) && starts[next] < sourceText.length;
      next++
    )
      lines.add(next);
  }

  const edits: PlannedTextEdit[] = [];
  const ordered = [...lines].sort((a, b) => a - b);
  for (let i = 0; i < ordered.length; ) {
    let j = i;
    while (j + 1 < ordered.length && ordered[j + 1] === ordered[j] + 1) j++;
    const from = starts[ordered[i]];
    const to = ordered[j] + 1 < starts.length ? starts[ordered[j] + 1] : sourceText.length;
    edits.push(makeEdit(starts, from, to - from, ''));
    i = j + 1;
  }
  const resultText = applyTextEdits(sourceText, edits);
  return { edits, resultText, removedStatements: removed.size, stillUsed: detectInstrumentation(resultText).includes(kind) };
}

/** Top-level statements, each with the indented body that follows it (a `def` with its lines). */
function topLevelGroups(statements: readonly PythonStatement[]): Group[] {
  const groups: Group[] = [];
  for (const [index, head] of statements.entries()) {
    if (!head.topLevel) continue;
    let endLine = head.endLine;
    const parts = [head.code];
    for (let next = index + 1; next < statements.length && !statements[next].topLevel; next++) {
      endLine = Math.max(endLine, statements[next].endLine);
      parts.push(statements[next].code);
    }
    groups.push({ head, startLine: head.startLine, endLine, code: parts.join('\n') });
  }
  return groups;
}

function identifiers(code: string): string[] {
  return code.match(IDENTIFIER) ?? [];
}

/** Names an import binds (`trace` for `from opentelemetry import trace`, `opencensus` for `import opencensus.x`). */
function boundNames(code: string): string[] {
  const parsed = parseImport(code);
  if (!parsed) return [];
  return parsed.names.map(({ name, alias }) => alias ?? (parsed.kind === 'import' ? name.split('.')[0] : name));
}

/** Names a statement binds at top level: `x = …`, `x += …`, `def x`, `class x`. */
function definedNames(code: string): string[] {
  const definition = /^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(code);
  if (definition) return [definition[1]];
  const assignment = /^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*(?:[+\-*/|&]?=)(?!=)/.exec(code);
  return assignment ? assignment[1].split(',').map((name) => name.trim()) : [];
}
