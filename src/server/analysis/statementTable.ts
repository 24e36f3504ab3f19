/**
 * Diagnostics kept per top-level statement, so an edit re-derives only the statements it touched.
 *
 * Each entry holds the findings of one top-level statement (offsets relative to its start, shifted
 * as edits before it move it). An edit drops the entries it touches and widens the dirty range. The
 * next `diagnose` parses only the text between the clean statements around the dirty range (a
 * tree-sitter parse restricted to that range: a fraction of a millisecond, where reparsing the whole
 * file costs 30–70 ms even incrementally) and analyses the statements found there. It falls back to
 * the whole file whenever that could differ from a fresh parse of it: a syntax error in the range or
 * anywhere in the file, a range that starts indented or ends in a line continuation, changed
 * settings. Rules that look across statements run over the whole file only when a statement holds
 * what they may need (`analyseStatement`'s `wholeFile`).
 */
import type { Node, Point, Tree } from 'web-tree-sitter';
import type { DiagnosticRule, DiagnosticsSettings } from '../../shared/serverProtocol';
import type { PythonParser } from '../python/pythonParser';
import type { Finding } from './findings';
import { analyseIndex, analyseStatement, compareFindings, planStatement, StatementPlan } from './ruleEngine';
import { indexSubtree, indexSyntax, partitionIndex, SyntaxIndex } from './syntax';

interface StatementEntry {
  start: number;
  end: number;
  readonly type: string;
  /** The statement parsed without an error: the same text parses the same way again. */
  readonly clean: boolean;
  /** Offsets relative to `start`; no fixes (code actions analyse the whole file). */
  readonly findings: readonly Finding[];
  readonly wholeFile: readonly DiagnosticRule[];
}

export interface Diagnosis {
  readonly findings: Finding[];
  /** How many top-level statements were analysed for this answer (the rest came from the table). */
  readonly rederived: number;
  /** What was parsed: nothing, only the edited statements' range, or the whole file. */
  readonly parsed: 'nothing' | 'statements' | 'file';
}

/** Above this many statements to derive, one walk of the whole tree beats one walk per statement. */
const PER_STATEMENT_WALK_LIMIT = 32;

export class StatementTable {
  private entries: StatementEntry[] = [];
  /** Entries describe an error-free parse of the current text (apart from `dirty`). */
  private valid = false;
  private settingsKey = '';
  /** The range (in current offsets) edited since the last diagnosis. */
  private dirty: { start: number; end: number } | undefined;

  /** `start..oldEnd` of the previous text was replaced; the new text ends at `newEnd`. */
  edit(start: number, oldEnd: number, newEnd: number): void {
    const delta = newEnd - oldEnd;
    const map = (offset: number, fallback: number): number => (offset < start ? offset : offset > oldEnd ? offset + delta : fallback);
    let dirtyStart = start;
    let dirtyEnd = newEnd;
    if (this.dirty) {
      dirtyStart = Math.min(dirtyStart, map(this.dirty.start, start));
      dirtyEnd = Math.max(dirtyEnd, map(this.dirty.end, newEnd));
    }
    const kept: StatementEntry[] = [];
    for (const entry of this.entries) {
      if (entry.end < start) {
        kept.push(entry);
      } else if (entry.start > oldEnd) {
        entry.start += delta;
        entry.end += delta;
        kept.push(entry);
      } else {
        // Touched (a keystroke right at either end counts): derived again from the new text.
        dirtyStart = Math.min(dirtyStart, map(entry.start, start));
        dirtyEnd = Math.max(dirtyEnd, map(entry.end, newEnd));
      }
    }
    this.entries = kept;
    this.dirty = { start: dirtyStart, end: dirtyEnd };
  }

  /** The whole text changed: the next diagnosis starts from the whole file. */
  reset(): void {
    this.entries = [];
    this.valid = false;
    this.dirty = undefined;
  }

  /**
   * Findings of the enabled rules for `text` (without fixes), equal to `analyse` of a fresh parse.
   * `fileTree` returns the document's whole, current tree; called only when it is needed.
   */
  diagnose(text: string, settings: DiagnosticsSettings, parser: PythonParser, fileTree: () => Tree): Diagnosis {
    const key = JSON.stringify(settings);
    if (key !== this.settingsKey) {
      this.settingsKey = key;
      this.reset();
    }
    let rederived = 0;
    let parsed: Diagnosis['parsed'] = 'nothing';
    if (this.valid && this.dirty) {
      const count = this.rederiveDirtyStatements(text, settings, parser);
      if (count === undefined) {
        this.valid = false;
      } else {
        [rederived, parsed] = [count, 'statements'];
      }
    }
    if (!this.valid) {
      [rederived, parsed] = [this.rebuild(fileTree(), text, settings), 'file'];
    }
    this.dirty = undefined;
    return { findings: this.assemble(text, settings, fileTree), rederived, parsed };
  }

  /** Parses only the dirty range widened to statement boundaries; undefined when that is not safe. */
  private rederiveDirtyStatements(text: string, settings: DiagnosticsSettings, parser: PythonParser): number | undefined {
    const dirty = this.dirty!;
    let first = 0;
    while (first < this.entries.length && this.entries[first].end < dirty.start) {
      first++;
    }
    let after = first;
    while (after < this.entries.length && this.entries[after].start <= dirty.end) {
      after++;
    }
    const from = first > 0 ? this.entries[first - 1].end : 0;
    const to = after < this.entries.length ? this.entries[after].start : text.length;
    // A trailing backslash would join the next statement's line in the file, not in the range.
    if (/\\\s*$/.test(text.slice(from, to))) {
      return undefined;
    }
    // So would a token left open where the range ends mid-line (a comment typed in front of an
    // indented statement): the range must end where the next statement starts its line.
    if (to < text.length && to > 0 && text[to - 1] !== '\n') {
      return undefined;
    }
    const derived: StatementEntry[] = [];
    if (/\S/.test(text.slice(from, to))) {
      const tree = parser.parseRange(text, {
        startIndex: from,
        endIndex: to,
        startPosition: pointAt(text, from),
        endPosition: pointAt(text, to),
      });
      try {
        const statements = topLevelStatements(tree);
        // Indented code at module level is an error in the file but need not be in the range.
        if (tree.rootNode.hasError || statements.some((node) => node.type !== 'comment' && node.startPosition.column !== 0)) {
          return undefined;
        }
        for (const node of statements) {
          const plan = planStatement(text.slice(node.startIndex, node.endIndex), settings);
          derived.push(entryFor(node, plan, plan.rules.size > 0 ? indexSubtree(node, text) : undefined, text, settings));
        }
      } finally {
        tree.delete();
      }
    }
    this.entries.splice(first, after - first, ...derived);
    return derived.length;
  }

  /** Entries for every statement of the file's tree, reusing those whose statement did not change. */
  private rebuild(tree: Tree, text: string, settings: DiagnosticsSettings): number {
    const root = tree.rootNode;
    const statements = topLevelStatements(tree);
    // An unchanged statement parsed without an error, then and now, has the same findings.
    const reusable = new Map<string, StatementEntry>();
    for (const entry of this.entries) {
      if (entry.clean) {
        reusable.set(`${entry.start}:${entry.end}:${entry.type}`, entry);
      }
    }
    const entries: (StatementEntry | undefined)[] = statements.map((node) =>
      reusable.size === 0 || node.hasError ? undefined : reusable.get(`${node.startIndex}:${node.endIndex}:${node.type}`),
    );
    const missing = entries.flatMap((entry, i) => (entry ? [] : [i]));
    // Decided from each statement's text: only statements some rule may report in are indexed.
    const plans = new Map(missing.map((i) => [i, planStatement(text.slice(statements[i].startIndex, statements[i].endIndex), settings)]));
    const indexed = missing.filter((i) => plans.get(i)!.rules.size > 0);
    const indexes: SyntaxIndex[] =
      indexed.length > PER_STATEMENT_WALK_LIMIT
        ? partitionIndex(
            indexSyntax(tree, text),
            indexed.map((i) => statements[i]),
          )
        : indexed.map((i) => indexSubtree(statements[i], text));
    const indexOf = new Map(indexed.map((i, n) => [i, indexes[n]]));
    for (const i of missing) {
      entries[i] = entryFor(statements[i], plans.get(i)!, indexOf.get(i), text, settings);
    }
    this.entries = entries as StatementEntry[];
    this.valid = !root.hasError;
    return missing.length;
  }

  private assemble(text: string, settings: DiagnosticsSettings, fileTree: () => Tree): Finding[] {
    const wholeFile = new Set<DiagnosticRule>();
    for (const entry of this.entries) {
      entry.wholeFile.forEach((rule) => wholeFile.add(rule));
    }
    const findings: Finding[] = [];
    for (const entry of this.entries) {
      for (const finding of entry.findings) {
        if (!wholeFile.has(finding.rule)) {
          findings.push({ ...finding, start: finding.start + entry.start, end: finding.end + entry.start });
        }
      }
    }
    if (wholeFile.size > 0) {
      findings.push(...analyseIndex(indexSyntax(fileTree(), text), text, settings, wholeFile, false));
    }
    return findings.sort(compareFindings);
  }
}

function topLevelStatements(tree: Tree): Node[] {
  return tree.rootNode.namedChildren.filter((node): node is Node => node !== null);
}

/** `syntax` is undefined when the plan runs no rule (nothing to index). */
function entryFor(
  node: Node,
  plan: StatementPlan,
  syntax: SyntaxIndex | undefined,
  text: string,
  settings: DiagnosticsSettings,
): StatementEntry {
  const start = node.startIndex;
  const end = node.endIndex;
  const findings = syntax ? analyseStatement(syntax, text, settings, plan) : [];
  return {
    start,
    end,
    type: node.type,
    clean: !node.hasError,
    findings: findings.map((finding) => ({ ...finding, start: finding.start - start, end: finding.end - start })),
    wholeFile: plan.wholeFile,
  };
}

/** tree-sitter rows count `\n` only; columns are UTF-16 code units in web-tree-sitter, like offsets. */
export function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}
