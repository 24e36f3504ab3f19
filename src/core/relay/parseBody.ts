/**
 * Body text → telemetry items, for the three shapes SDKs send: a JSON array (Python, Node), NDJSON
 * (.NET classic, SDK offline files) and a single object. Pure: the fuzz tests call it directly.
 * Plain Node: never import `vscode` here.
 */

export type BodyFormat = 'array' | 'ndjson' | 'object';

export type ParsedBody =
  | { readonly ok: true; readonly items: unknown[]; readonly format: BodyFormat }
  | { readonly ok: false; readonly message: string };

export function parseTelemetryBody(input: string | Buffer): ParsedBody {
  let text = typeof input === 'string' ? input : input.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  const start = firstNonSpace(text);
  if (start < 0) {
    return { ok: false, message: 'The body is empty: expected a JSON array of telemetry items, one JSON object, or one JSON object per line.' };
  }
  const first = text[start];
  if (first === '[') {
    const parsed = tryParse(text);
    if (!parsed.ok) {
      return { ok: false, message: `The body is not valid JSON: ${parsed.error}` };
    }
    if (!Array.isArray(parsed.value)) {
      return { ok: false, message: 'The body is not a JSON array of telemetry items.' };
    }
    return { ok: true, items: parsed.value, format: 'array' };
  }
  if (first !== '{') {
    return { ok: false, message: `The body starts with "${printable(first)}": expected a JSON array of telemetry items, one JSON object, or one JSON object per line.` };
  }
  // One object, possibly pretty-printed over several lines, parses whole; otherwise NDJSON.
  const whole = tryParse(text);
  if (whole.ok) {
    return { ok: true, items: [whole.value], format: 'object' };
  }
  return parseNdjson(text);
}

function parseNdjson(text: string): ParsedBody {
  const items: unknown[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') {
      continue;
    }
    const parsed = tryParse(line);
    if (!parsed.ok) {
      return { ok: false, message: `Line ${index + 1} of the newline-delimited JSON body is not valid JSON: ${parsed.error}` };
    }
    items.push(parsed.value);
  }
  return { ok: true, items, format: 'ndjson' };
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // SyntaxError, or RangeError for absurd nesting: both mean "not telemetry".
    return { ok: false, error: error instanceof Error ? error.message.slice(0, 200) : String(error) };
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
