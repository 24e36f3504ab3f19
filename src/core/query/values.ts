/** Conversions, comparisons and text forms of KQL values. Pure. */
import type { Cell, ScalarType, Value } from './types';

/** `[-][d.]hh:mm:ss[.fffffff]`, Kusto's timespan text. */
export function formatTimespan(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let ticks = Math.round(Math.abs(ms) * 10_000);
  const days = Math.floor(ticks / 864_000_000_000);
  ticks -= days * 864_000_000_000;
  const hours = Math.floor(ticks / 36_000_000_000);
  ticks -= hours * 36_000_000_000;
  const minutes = Math.floor(ticks / 600_000_000);
  ticks -= minutes * 600_000_000;
  const seconds = Math.floor(ticks / 10_000_000);
  ticks -= seconds * 10_000_000;
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${sign}${days > 0 ? `${days}.` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${ticks > 0 ? `.${pad(ticks, 7)}` : ''}`;
}

export function formatDatetime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** `tostring()`: what Kusto would print for the value. */
export function valueToString(value: Value | unknown, type: ScalarType): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (type === 'datetime') return formatDatetime(value);
    if (type === 'timespan') return formatTimespan(value);
    return Number.isFinite(value) ? String(value) : '';
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value);
}

/** A value as a JSON-safe result cell. */
export function toCell(value: Value | unknown, type: ScalarType): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    if (type === 'datetime') return formatDatetime(value);
    if (type === 'timespan') return formatTimespan(value);
    return value;
  }
  return value as Cell;
}

/** Numbers from numbers, numeric text and booleans; null otherwise. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/**
 * Order of two non-null values (negative, 0, positive), NaN when they cannot be compared.
 * Numbers (and datetimes, timespans) numerically; text ordinally; numeric text against numbers as
 * numbers (dynamic values arrive as text); "true"/"false" against booleans.
 */
export function compareValues(left: unknown, right: unknown): number {
  if (typeof left === typeof right) {
    if (typeof left === 'number') return (left as number) - (right as number);
    if (typeof left === 'string') return left < (right as string) ? -1 : left > (right as string) ? 1 : 0;
    if (typeof left === 'boolean') return Number(left) - Number(right);
    const a = JSON.stringify(left);
    const b = JSON.stringify(right);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof left === 'boolean' || typeof right === 'boolean') {
    const text = String(typeof left === 'boolean' ? right : left).toLowerCase();
    const bool = typeof left === 'boolean' ? left : right;
    if (text !== 'true' && text !== 'false') return NaN;
    const order = Number(bool) - Number(text === 'true');
    return typeof left === 'boolean' ? order : -order;
  }
  const a = toNumber(left);
  const b = toNumber(right);
  return a === null || b === null ? NaN : a - b;
}

/** A key for grouping and sets: primitives as they are, objects as JSON text. */
export function groupKey(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'object' ? `\u0000${JSON.stringify(value)}` : (value as string | number | boolean);
}

/** `has`: the term appears with no letter or digit right before or after it (case-insensitive). */
export function hasTerm(haystackLower: string, termLower: string): boolean {
  if (termLower === '') return true;
  let from = 0;
  for (;;) {
    const at = haystackLower.indexOf(termLower, from);
    if (at < 0) return false;
    const before = at === 0 ? '' : haystackLower[at - 1];
    const after = haystackLower[at + termLower.length] ?? '';
    if (!isWordChar(before) && !isWordChar(after)) return true;
    from = at + 1;
  }
}

function isWordChar(char: string): boolean {
  return char !== '' && /[\p{L}\p{N}]/u.test(char);
}
