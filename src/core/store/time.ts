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
 * The forms the SDKs write, `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (and OpenCensus metrics without the
 * `Z`, meaning UTC), read without a regex or allocations: the general path was ~9% of the relay's
 * CPU under load. Same arithmetic as {@link parseAnyIso}, so the same result; anything else
 * (offsets, lower case, spaces, bad ranges) is left to the general path.
 */
function parseCanonicalUtc(text: string): number | undefined {
  const zoned = text.charCodeAt(text.length - 1) === 0x5a; /* Z */
  const length = zoned ? text.length - 1 : text.length;
  if (length < 19 || text.charCodeAt(10) !== 0x54 /* T */) return undefined;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d || text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a)
    return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 60
  )
    return undefined;
  let fractionMs = 0;
  if (length > 19) {
    const digits = length - 20;
    // Up to 15 digits the integer is exact, so digits / 10^n rounds exactly like Number("0.<digits>").
    if (digits < 1 || digits > 15 || text.charCodeAt(19) !== 0x2e /* . */) return undefined;
    const fraction = digitsAt(text, 20, digits);
    if (fraction < 0) return undefined;
    fractionMs = (fraction / POWERS_OF_TEN[digits]) * 1000;
  }
  return utcMs(year, month, day, hour, minute, second) + fractionMs;
}

/**
 * Date.UTC for years 100–9999 in plain integer arithmetic (days from the civil calendar, as in
 * H. Hinnant's algorithm): exact, so equal to Date.UTC, and twice as fast as calling it.
 */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000;
}

const POWERS_OF_TEN = Array.from({ length: 16 }, (_, power) => 10 ** power);

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
  if (
    !Number.isFinite(wholeMs) ||
    Number(month) < 1 ||
    Number(month) > 12 ||
    Number(day) < 1 ||
    Number(day) > 31 ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 60
  ) {
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
  const fast = parseDurationFast(value);
  if (fast !== undefined) return fast;
  const match = DURATION.exec(value.trim());
  if (!match) {
    return undefined;
  }
  const [, days = '0', hours, minutes, seconds, fraction = ''] = match;
  return durationMs(Number(days), Number(hours), Number(minutes), Number(seconds), fraction ? Number(`0.${fraction}`) : 0);
}

/**
 * {@link DURATION} read without the regex and its strings (one per request/dependency item under
 * load); undefined means "not in that form" and the regex path decides (it also trims).
 */
function parseDurationFast(text: string): number | undefined {
  const colon1 = text.indexOf(':');
  const colon2 = colon1 < 0 ? -1 : text.indexOf(':', colon1 + 1);
  if (colon2 < 0) return undefined;
  const daysDot = text.lastIndexOf('.', colon1);
  const fractionDot = text.indexOf('.', colon2);
  const secondsEnd = fractionDot < 0 ? text.length : fractionDot;
  const fractionWidth = fractionDot < 0 ? 0 : text.length - fractionDot - 1;
  if (
    daysDot === 0 ||
    daysDot > 15 ||
    !twoDigitsAtMost(colon1 - daysDot - 1) ||
    !twoDigitsAtMost(colon2 - colon1 - 1) ||
    !twoDigitsAtMost(secondsEnd - colon2 - 1)
  )
    return undefined;
  if (fractionDot >= 0 && (fractionWidth < 1 || fractionWidth > 9)) return undefined;
  const days = daysDot > 0 ? digitsAt(text, 0, daysDot) : 0;
  const hours = digitsAt(text, daysDot + 1, colon1 - daysDot - 1);
  const minutes = digitsAt(text, colon1 + 1, colon2 - colon1 - 1);
  const seconds = digitsAt(text, colon2 + 1, secondsEnd - colon2 - 1);
  const fraction = fractionDot < 0 ? 0 : digitsAt(text, fractionDot + 1, fractionWidth);
  if (days < 0 || hours < 0 || minutes < 0 || seconds < 0 || fraction < 0) return undefined;
  // Integers of up to 9 digits are exact: fraction / 10^n rounds exactly like Number("0.<digits>").
  return durationMs(days, hours, minutes, seconds, fraction / POWERS_OF_TEN[fractionWidth]);
}

function twoDigitsAtMost(width: number): boolean {
  return width >= 1 && width <= 2;
}

function durationMs(days: number, hours: number, minutes: number, seconds: number, fractionSeconds: number): number {
  const wholeSeconds = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
  // Round away binary noise below a nanosecond ("00:00:00.0007025" → 0.7025 ms, not 0.70249999…).
  return Math.round((wholeSeconds + fractionSeconds) * 1e9) / 1e6;
}
