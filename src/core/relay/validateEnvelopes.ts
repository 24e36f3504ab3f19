/**
 * Checks parsed items before anything is accepted: all or nothing per request, because answering
 * 206 makes real SDKs lose data. A wrong or missing local session key makes the whole request 403
 * (another local process must not inject telemetry); otherwise any invalid item makes it 400, with
 * one error per invalid item naming the field. Pure: the fuzz tests call it directly.
 * Plain Node: never import `vscode` here.
 */
import type { Envelope, TrackError } from '../envelope';
import { redactConnectionString, shortenRedacted } from '../redact';
import { parseTimestamp } from '../store/time';
import type { KeyMatch } from './relayIdentity';

export type ValidationResult =
  /** `previousKeyItems`: items that carried a retired key still in its grace period (their `iKey` is now the current key); absent when none. */
  | { readonly ok: true; readonly envelopes: Envelope[]; readonly previousKeyItems?: number }
  | { readonly ok: false; readonly statusCode: 400 | 403; readonly errors: TrackError[] };

export interface ValidationOptions {
  /** The relay's session key (lower case); every envelope's `iKey` must equal it. */
  readonly localKey: string;
  /** Errors listed in the answer; the rest are counted in the last message. Default 100. */
  readonly maxReportedErrors?: number;
  /** Also accepts retired keys in their grace period (see relayIdentity.ts); default: only `localKey`. */
  readonly keyMatch?: (key: string) => KeyMatch;
}

export function validateEnvelopes(items: readonly unknown[], options: ValidationOptions): ValidationResult {
  const keyErrors: TrackError[] = [];
  const shapeErrors: TrackError[] = [];
  const localKey = options.localKey.toLowerCase();
  let previousKeyItems = 0;
  items.forEach((item, index) => {
    if (!isObject(item)) {
      shapeErrors.push(error(index, 400, `Item ${index} is ${describe(item)}, not a telemetry envelope object.`));
      return;
    }
    const problem = shapeProblem(item);
    if (problem) {
      shapeErrors.push(error(index, 400, problem));
    }
    const match: KeyMatch =
      typeof item.iKey !== 'string'
        ? 'unknown'
        : item.iKey.trim().toLowerCase() === localKey
          ? 'current'
          : (options.keyMatch?.(item.iKey) ?? 'unknown');
    if (match === 'previous') previousKeyItems++;
    if (match === 'unknown') {
      // The key itself is never echoed: answers and logs must not carry keys.
      const what = typeof item.iKey === 'string' ? "is not this relay's local session key" : 'is missing';
      keyErrors.push(
        error(
          index,
          403,
          `Field 'iKey' ${what}. Send telemetry with the connection string the relay gave (InstrumentationKey=<local session key>).`,
        ),
      );
    }
  });
  const max = options.maxReportedErrors ?? 100;
  if (keyErrors.length > 0) {
    return { ok: false, statusCode: 403, errors: capped(keyErrors, max) };
  }
  if (shapeErrors.length > 0) {
    return { ok: false, statusCode: 400, errors: capped(shapeErrors, max) };
  }
  const envelopes = items as Envelope[];
  if (previousKeyItems === 0) return { ok: true, envelopes };
  // Rare (a terminal older than the key): copies under the current key, so nothing downstream sees two keys.
  return {
    ok: true,
    envelopes: envelopes.map((envelope) =>
      String(envelope.iKey).trim().toLowerCase() === localKey ? envelope : { ...envelope, iKey: localKey },
    ),
    previousKeyItems,
  };
}

/** The first problem with an envelope's fields, as a message that names the field, or undefined. */
export function shapeProblem(item: Record<string, unknown>): string | undefined {
  if (typeof item.name !== 'string' || item.name.trim() === '') {
    return required('name', 'string', item.name);
  }
  if (typeof item.time !== 'string' || item.time.trim() === '') {
    return required('time', 'string', item.time);
  }
  if (parseTimestamp(item.time) === undefined) {
    return `Field 'time' on type 'Envelope' is not an ISO 8601 date-time: "${shorten(item.time)}".`;
  }
  if (!isObject(item.data)) {
    return required('data', 'object', item.data);
  }
  const data = item.data;
  if (typeof data.baseType !== 'string' || data.baseType.trim() === '') {
    return `Field 'baseType' on type 'Data' is required but missing or empty. Expected: string, Actual: ${describe(data.baseType)}.`;
  }
  if (data.baseData !== undefined && data.baseData !== null && !isObject(data.baseData)) {
    return `Field 'baseData' on type 'Data' must be an object. Actual: ${describe(data.baseData)}.`;
  }
  if (item.tags !== undefined && item.tags !== null) {
    if (!isObject(item.tags)) {
      return `Field 'tags' on type 'Envelope' must be an object of strings. Actual: ${describe(item.tags)}.`;
    }
    const tags = item.tags;
    for (const key in tags) {
      const value = tags[key];
      if (value !== null && typeof value === 'object') {
        return `Tag '${shorten(key)}' must be a string. Actual: ${describe(value)}.`;
      }
    }
  }
  if (
    item.sampleRate !== undefined &&
    item.sampleRate !== null &&
    (typeof item.sampleRate !== 'number' || !(item.sampleRate > 0 && item.sampleRate <= 100))
  ) {
    return `Field 'sampleRate' on type 'Envelope' must be a number in (0, 100]. Actual: ${describe(item.sampleRate)}.`;
  }
  return undefined;
}

function required(field: string, expected: string, actual: unknown): string {
  return `Field '${field}' on type 'Envelope' is required but missing or empty. Expected: ${expected}, Actual: ${describe(actual)}.`;
}

function capped(errors: TrackError[], max: number): TrackError[] {
  if (errors.length <= max) {
    return errors;
  }
  const kept = errors.slice(0, max);
  const last = kept[max - 1];
  kept[max - 1] = { ...last, message: `${last.message} (${errors.length - max} more invalid items not listed)` };
  return kept;
}

function error(index: number, statusCode: number, message: string): TrackError {
  return { index, statusCode, message };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : 'a string';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Echoed request text: redacted first, then cut (a key cut in half would escape redaction). */
function shorten(text: string): string {
  return shortenRedacted(redactConnectionString(text), 57);
}
