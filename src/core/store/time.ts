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
