/**
 * The forwarder's last line of defence for its own log lines and `lastError`: every real key it
 * has seen is masked in both spellings (with and without dashes), and connection-string-like text
 * is redacted, whatever an error message or a service answer happens to echo.
 * Plain Node: never import `vscode` here.
 */
import { redactConnectionString, redactInstrumentationKey } from '../redact';
import { compactKey } from './keyRewrite';

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
    return redactConnectionString(result);
  }
}
