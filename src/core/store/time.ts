/**
 * Envelope timestamps and durations as the SDKs really write them. Plain Node: never import
 * `vscode` here.
 */

/**
 * ISO 8601 date or date-time. The offset is optional because OpenCensus writes metric timestamps
 * without one (they are UTC). Fraction digits vary (3 to 7).
 */
const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Epoch milliseconds, or undefined when the text is not an ISO 8601 timestamp. */
export function parseTimestamp(text: string): number | undefined {
  return parseCanonicalUtc(text) ?? parseAnyIso(text);
}

/**
 * The form every SDK we know writes, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, read without a regex or
 * allocations: the relay parses each item's time twice (validation, then the store), and the
 * general path was ~9% of its CPU under load. Same arithmetic as {@link parseAnyIso}, so the same
 * result; anything else (offsets, lower case, spaces, bad ranges) is left to the general path.
 */
function parseCanonicalUtc(text: string): number | undefined {
  const length = text.length;
  if (length < 20 || text.charCodeAt(length - 1) !== 0x5a /* Z */ || text.charCodeAt(10) !== 0x54 /* T */) return undefined;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return undefined;
  let fractionMs = 0;
  if (length > 20) {
    if (length === 21 || text.charCodeAt(19) !== 0x2e /* . */ || digitsAt(text, 20, length - 21) < 0) return undefined;
    fractionMs = Number(`0.${text.slice(20, length - 1)}`) * 1000;
  }
  const wholeMs = Date.UTC(year, month - 1, day, hour, minute, second);
  return Number.isFinite(wholeMs) ? wholeMs + fractionMs : undefined;
}

/** The decimal number in text[start, start + count), or -1 when any of those characters is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index++) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function parseAnyIso(text: string): number | undefined {
  const match = ISO_TIMESTAMP.exec(text.trim());
  if (!match) {
    return undefined;
  }
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', zone] = match;
  // Date.parse would read "no offset" as local time; the SDKs mean UTC. So compute it ourselves.
  const wholeMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second));
  if (!Number.isFinite(wholeMs) || Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31 || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 60) {
    return undefined;
  }
  const fractionMs = fraction ? Number(`0.${fraction}`) * 1000 : 0;
  return wholeMs + fractionMs - offsetMs(zone);
}

function offsetMs(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') {
    return 0;
  }
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}

/** `[D.]HH:MM:SS[.fffffff]`, the Breeze duration (days optional: "00:00:00.012" and "0.00:00:00.000" both occur). */
const DURATION = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;

/** Milliseconds (fractional), or undefined when the value is not a duration. Numbers are taken as ms. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }
  if (typeof value !== 'string') {
    return undefined;
  }
  const match = DURATION.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [, days = '0', hours, minutes, seconds, fraction = ''] = match;
  const wholeSeconds = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
  const fractionSeconds = fraction ? Number(`0.${fraction}`) : 0;
  // Round away binary noise below a nanosecond ("00:00:00.0007025" → 0.7025 ms, not 0.70249999…).
  return Math.round((wholeSeconds + fractionSeconds) * 1e9) / 1e6;
}
