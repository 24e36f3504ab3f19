/**
 * Redaction of secrets in anything we log or show. Every log line goes through a {@link Redactor}.
 * Plain Node: never import `vscode` here.
 */

const GUID_SOURCE = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
/** `InstrumentationKey=<guid>` or `iKey": "<guid>"`, in any case: the key part is replaced. */
const KEY_ASSIGNMENT = new RegExp(`(instrumentation_?key\\s*[=:]\\s*["']?|ikey["']?\\s*[=:]\\s*["']?)(${GUID_SOURCE})`, 'gi');

/** `1234…abcd`: enough to recognise a key, not enough to use it. */
export function redactInstrumentationKey(key: string): string {
  const trimmed = key.trim();
  if (trimmed.length <= 8) {
    return '…';
  }
  return `${trimmed.slice(0, 4)}…${trimmed.slice(-4)}`;
}

/** A connection string with its instrumentation key redacted; endpoints stay readable. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(KEY_ASSIGNMENT, (_match, prefix: string, key: string) => `${prefix}${redactInstrumentationKey(key)}`);
}

/**
 * Replaces every registered secret (and anything that looks like an instrumentation key assignment)
 * in a text. Secrets are registered when they are read from SecretStorage, so a value that reaches
 * a log line by an unexpected path is still caught.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret; short strings are ignored since replacing them would mangle ordinary text. */
  add(secret: string | undefined): void {
    if (secret && secret.trim().length >= 8) {
      this.secrets.add(secret.trim());
    }
  }

  /** Forgets a secret (after the user cleared it). */
  remove(secret: string | undefined): void {
    if (secret) {
      this.secrets.delete(secret.trim());
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a connection string is replaced whole before its key alone.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      const pattern = new RegExp(escapeRegExp(secret), 'gi');
      result = result.replace(pattern, () => replacementFor(secret));
    }
    return redactConnectionString(result);
  }
}

/** A key shows as `1234…abcd`; a connection string keeps its endpoints; anything else disappears. */
function replacementFor(secret: string): string {
  if (GUID_ONLY.test(secret)) {
    return redactInstrumentationKey(secret);
  }
  const withoutKey = redactConnectionString(secret);
  return withoutKey !== secret ? withoutKey : '«redacted»';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const GUID_ONLY = new RegExp(`^${GUID_SOURCE}$`);

/** A run of 8 or more hexadecimal digits and dashes: what a key (or a piece of one) looks like. */
const GUID_LIKE_RUN_AT_END = /[0-9a-fA-F-]{8,}$/;

/**
 * Cuts an already redacted text to at most `max` characters (plus `…`). Always redact first, then
 * cut: a key cut in half no longer matches any pattern. A GUID-like run left at the cut may be the
 * first part of a key, so it is masked as well.
 */
export function shortenRedacted(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max));
  // Never end on half of a surrogate pair.
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  // The run may continue past the cut: only then is it a piece of something longer.
  if (/[0-9a-fA-F-]/.test(text[cut.length] ?? '')) cut = cut.replace(GUID_LIKE_RUN_AT_END, '');
  return `${cut}…`;
}
