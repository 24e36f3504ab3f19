/** Helpers shared by the server tests: the parser from node_modules, and analysis of a snippet of Python. */
import * as path from 'node:path';
import { analyse } from '../../../src/server/analysis/ruleEngine';
import type { Finding } from '../../../src/server/analysis/findings';
import { loadPythonParser, PythonParser, wasmInNodeModules } from '../../../src/server/python/pythonParser';
import { applyTextEdits } from '../../../src/core/snippets';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DiagnosticsSettings } from '../../../src/shared/serverProtocol';

/** out/test/unit/server → repository root. */
export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

let parser: Promise<PythonParser> | undefined;

export function testParser(): Promise<PythonParser> {
  parser ??= loadPythonParser(wasmInNodeModules(REPOSITORY_ROOT));
  return parser;
}

export async function findingsOf(text: string, settings: DiagnosticsSettings = DEFAULT_DIAGNOSTICS_SETTINGS): Promise<Finding[]> {
  const tree = (await testParser()).parse(text);
  try {
    return analyse(tree, text, settings);
  } finally {
    tree.delete();
  }
}

export async function codesOf(text: string, settings?: DiagnosticsSettings): Promise<string[]> {
  return (await findingsOf(text, settings)).map((f) => f.code);
}

/** Applies the edit fix titled `title` (or the preferred one) of the first finding with `code`. */
export async function applyFix(text: string, code: string, title?: string | RegExp): Promise<string> {
  const finding = (await findingsOf(text)).find((f) => f.code === code);
  if (!finding) {
    throw new Error(`no ${code} finding in:\n${text}`);
  }
  const fix = finding.fixes.find(
    (f) => f.kind === 'edit' && (title === undefined ? f.preferred : typeof title === 'string' ? f.title === title : title.test(f.title)),
  );
  if (!fix || fix.kind !== 'edit') {
    throw new Error(`no matching fix for ${code}: ${finding.fixes.map((f) => f.title).join(' | ')}`);
  }
  return applyTextEdits(text, fix.edits);
}

export function lines(...content: string[]): string {
  return `${content.join('\n')}\n`;
}
