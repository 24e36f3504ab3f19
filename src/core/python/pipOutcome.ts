/**
 * What a pip run's output says: the line that explains a failure ("ERROR: No matching distribution
 * found for x"), with credentials in index URLs masked, and a tail of the output bounded by bytes
 * (pip can print megabytes; only the end explains the outcome).
 *
 * Plain Node: never import `vscode` here.
 */
import { shortenRedacted } from '../redact';

/** `https://user:token@host/simple` → `https://«redacted»@host/simple`: private indexes carry tokens. */
export function redactUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi, '$1«redacted»@');
}

/** Keeps the last `maxBytes` of what was appended (cut at a line start when it can be). */
export class OutputTail {
  private text = '';

  constructor(private readonly maxBytes = 64 * 1024) {}

  append(chunk: string): void {
    this.text += chunk;
    if (Buffer.byteLength(this.text, 'utf8') > this.maxBytes) {
      // UTF-16 length bounds the UTF-8 length from below: cutting to maxBytes characters is enough.
      let cut = this.text.slice(this.text.length - this.maxBytes);
      while (Buffer.byteLength(cut, 'utf8') > this.maxBytes) cut = cut.slice(Math.ceil(cut.length / 8));
      const newline = cut.indexOf('\n');
      this.text = newline >= 0 && newline < cut.length - 1 ? cut.slice(newline + 1) : cut;
    }
  }

  toString(): string {
    return this.text;
  }
}

/** Longest reason shown in a notification; the output channel has the rest. */
export const MAX_REASON_LENGTH = 300;

/**
 * Why pip failed, from the end of its output: the last `ERROR:` line (pip's own summary), else the
 * last line of a Python traceback's exception, else the last non-empty line; `redact` runs before
 * the line is cut. Undefined when the output is empty.
 */
export function pipFailureReason(output: string, redact: (text: string) => string = (text) => text): string | undefined {
  const lines = output
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length === 0) return undefined;
  const errorLine = [...lines].reverse().find((line) => /^ERROR:/.test(line));
  const exceptionLine = [...lines].reverse().find((line) => /^[A-Za-z_][\w.]*(Error|Exception):/.test(line));
  const chosen = (errorLine ?? exceptionLine ?? lines[lines.length - 1]).replace(/^ERROR:\s*/, '');
  const clean = redactUrlCredentials(redact(chosen));
  return shortenRedacted(clean, MAX_REASON_LENGTH);
}
