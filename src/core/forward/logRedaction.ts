/**
 * The forwarder's last line of defence for its own log lines and `lastError`: every real key it
 * has seen is masked in both spellings (with and without dashes), and connection-string-like text
 * is redacted, whatever an error message or a service answer happens to echo; so is any piece of a
 * known key (8 or more of its characters in a row).
 * Plain Node: never import `vscode` here.
 */
import { redactConnectionString, redactInstrumentationKey } from '../redact';
import { compactKey } from './keyRewrite';

/** 8 or more hexadecimal digits and dashes. */
const KEY_LIKE_RUN = /[0-9a-f-]{8,}/gi;

export class ForwardLogRedactor {
  private readonly keys = new Set<string>();

  addKey(key: string): void {
    this.keys.add(key.toLowerCase());
  }

  redact(text: string): string {
    let result = text;
    for (const key of this.keys) {
      for (const form of [key, compactKey(key)]) {
        result = result.replace(new RegExp(form, 'gi'), redactInstrumentationKey(form));
      }
    }
    if (this.keys.size > 0) {
      // A piece of a key (an answer that cut it, say) is masked too: any run of 8+ key characters
      // that occurs in a known key, with or without its dashes.
      result = result.replace(KEY_LIKE_RUN, (run) => (this.isPieceOfKey(run) ? '…' : run));
    }
    return redactConnectionString(result);
  }

  private isPieceOfKey(run: string): boolean {
    const lower = run.toLowerCase();
    const compact = compactKey(lower);
    for (const key of this.keys) {
      if (key.includes(lower) || (compact.length >= 8 && compactKey(key).includes(compact))) return true;
    }
    return false;
  }
}
