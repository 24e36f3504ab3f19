/**
 * Compiles Python text with the real interpreter (`python3 -m py_compile`), so "valid Python" is
 * checked by Python itself rather than by our own scanner.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let directory: string | undefined;

/** Returns undefined when the text compiles, else Python's error output. */
export function pythonCompileError(text: string, name = 'snippet.py'): string | undefined {
  if (directory === undefined) {
    const created = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-py-'));
    process.once('exit', () => fs.rmSync(created, { recursive: true, force: true }));
    directory = created;
  }
  const file = path.join(directory, name.replace(/[^\w.-]/g, '_'));
  fs.writeFileSync(file, text);
  const result = spawnSync('python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
  if (result.error) {
    throw result.error;
  }
  return result.status === 0 ? undefined : `${result.stderr}${result.stdout}`;
}

export function assertCompiles(text: string, name?: string): void {
  const error = pythonCompileError(text, name);
  if (error !== undefined) {
    throw new Error(`Python rejected the code:\n${error}\n--- code ---\n${text}`);
  }
}

/** Anything that looks like a key or connection string written in code. */
export const SECRET_PATTERNS: readonly RegExp[] = [
  /InstrumentationKey\s*=/i,
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
  /connection_string\s*=/,
  /instrumentation_key\s*=/,
];
