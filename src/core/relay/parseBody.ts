/**
 * Body text → telemetry items, for the three shapes SDKs send: a JSON array (Python, Node), NDJSON
 * (.NET classic, SDK offline files) and a single object. Items nested deeper than `maxItemDepth`
 * are never kept: they are listed in `tooDeep` (their slot in `items` is undefined) so the caller
 * can refuse them by index before acknowledging anything. An array is parsed whole and its items'
 * depth checked on the values (the text is measured only when one is too deep); NDJSON and single
 * objects are measured on the text first.
 * Pure: the fuzz tests call it directly. Plain Node: never import `vscode` here.
 */
import { redactConnectionString, shortenRedacted } from '../redact';
import { arrayItemSpans, nestingDepth } from './jsonDepth';

export type BodyFormat = 'array' | 'ndjson' | 'object';

/** An item refused for its nesting; `depth` counts the envelope object itself as 1. */
export interface TooDeepItem {
  readonly index: number;
  readonly depth: number;
}

export type ParsedBody =
  | { readonly ok: true; readonly items: unknown[]; readonly format: BodyFormat; readonly tooDeep?: readonly TooDeepItem[] }
  | { readonly ok: false; readonly message: string };

/** An envelope nests about 7 deep (envelope → data → baseData → exceptions → frame); 64 leaves room and stays far from a stack overflow. */
export const DEFAULT_MAX_ITEM_DEPTH = 64;

export function parseTelemetryBody(input: string | Buffer, maxItemDepth = DEFAULT_MAX_ITEM_DEPTH): ParsedBody {
  let text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  const start = firstNonSpace(text);
  if (start < 0) {
    return {
      ok: false,
      message: 'The body is empty: expected a JSON array of telemetry items, one JSON object, or one JSON object per line.',
    };
  }
  const first = text[start];
  if (first === '[') {
    // Parsed whole first (JSON.parse takes any depth), then each item's depth is checked on the
    // parsed values: a walk that stops at the limit costs a tenth of measuring the text. Only a
    // body with an item too deep takes the text path, which never keeps the deep items.
    const parsed = tryParse(text);
    if (parsed.ok && Array.isArray(parsed.value) && !parsed.value.some((item) => nestsDeeper(item, maxItemDepth))) {
      return { ok: true, items: parsed.value, format: 'array' };
    }
    const spans = arrayItemSpans(text, start);
    if (spans?.some((span) => span.depth > maxItemDepth)) {
      return parseArrayItems(text, spans, maxItemDepth);
    }
    if (!parsed.ok) {
      return { ok: false, message: `The body is not valid JSON: ${parsed.error}` };
    }
    if (!Array.isArray(parsed.value)) {
      return { ok: false, message: 'The body is not a JSON array of telemetry items.' };
    }
    return { ok: true, items: parsed.value, format: 'array' };
  }
  if (first !== '{') {
    return {
      ok: false,
      message: `The body starts with "${printable(first)}": expected a JSON array of telemetry items, one JSON object, or one JSON object per line.`,
    };
  }
  // One object, possibly pretty-printed over several lines, parses whole; otherwise NDJSON.
  const depth = nestingDepth(text, start);
  if (depth > maxItemDepth) {
    // NDJSON with a deep line, or one deep (pretty-printed) object: either way nothing deep is parsed.
    const lines = parseNdjson(text, maxItemDepth);
    return lines.ok ? lines : { ok: true, items: [undefined], format: 'object', tooDeep: [{ index: 0, depth }] };
  }
  const whole = tryParse(text);
  if (whole.ok) {
    return { ok: true, items: [whole.value], format: 'object' };
  }
  return parseNdjson(text, maxItemDepth);
}

/**
 * Whether a parsed value nests more than `limit` containers deep (an object of strings is 1),
 * counted as the text would be: every object and array, empty ones too. Stops at the limit, so
 * the recursion is never deeper than `limit` frames.
 */
function nestsDeeper(value: unknown, limit: number, depth = 1): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) if (nestsDeeper(value[index], limit, depth + 1)) return true;
    return false;
  }
  // for-in over a JSON.parse result: own keys only (a hot path: every item of every request).
  for (const key in value) if (nestsDeeper((value as Record<string, unknown>)[key], limit, depth + 1)) return true;
  return false;
}

/** The slow path, only for arrays with an over-deep item: parse the others one by one. */
function parseArrayItems(text: string, spans: readonly { start: number; end: number; depth: number }[], maxItemDepth: number): ParsedBody {
  const items: unknown[] = [];
  const tooDeep: TooDeepItem[] = [];
  for (let index = 0; index < spans.length; index++) {
    const span = spans[index];
    if (span.depth > maxItemDepth) {
      tooDeep.push({ index, depth: span.depth });
      items.push(undefined);
      continue;
    }
    const parsed = tryParse(text.slice(span.start, span.end));
    if (!parsed.ok) {
      return { ok: false, message: `Item ${index} of the body is not valid JSON: ${parsed.error}` };
    }
    items.push(parsed.value);
  }
  return { ok: true, items, format: 'array', tooDeep };
}

function parseNdjson(text: string, maxItemDepth: number): ParsedBody {
  const items: unknown[] = [];
  const tooDeep: TooDeepItem[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') {
      continue;
    }
    const depth = nestingDepth(line);
    if (depth > maxItemDepth) {
      tooDeep.push({ index: items.length, depth });
      items.push(undefined);
      continue;
    }
    const parsed = tryParse(line);
    if (!parsed.ok) {
      return { ok: false, message: `Line ${index + 1} of the newline-delimited JSON body is not valid JSON: ${parsed.error}` };
    }
    items.push(parsed.value);
  }
  return tooDeep.length > 0 ? { ok: true, items, format: 'ndjson', tooDeep } : { ok: true, items, format: 'ndjson' };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // SyntaxError, or RangeError for absurd nesting: both mean "not telemetry".
    return { ok: false, error: shortenRedacted(redactConnectionString(error instanceof Error ? error.message : String(error)), 200) };
  }
}

function firstNonSpace(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) {
      return index;
    }
  }
  return -1;
}

function printable(char: string): string {
  const code = char.charCodeAt(0);
  return code >= 0x20 && code < 0x7f ? char : `\\u${code.toString(16).padStart(4, '0')}`;
}
