/**
 * KQL tokens for the subset we evaluate: identifiers (with the hyphenated operator names
 * `project-away`, `project-rename`), numbers, timespan literals (`100ms`, `5m`, `1.5h`, `2d`),
 * strings ('…', "…", verbatim @'…'), the raw text of `datetime(…)`, and punctuation.
 * Every token keeps its offset so errors can name where they are. Pure.
 */
import { QueryError } from './types';

export type TokenKind = 'ident' | 'number' | 'timespan' | 'string' | 'datetime' | 'punct' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** Identifier or punctuation text; the literal's source text otherwise. */
  readonly text: string;
  /** Numbers and timespans (ms): the value; strings and datetimes: the text inside. */
  readonly value?: number | string;
  readonly start: number;
  readonly end: number;
}

const PUNCTUATION = [
  '!contains',
  '!startswith',
  '!has',
  '!in~',
  '!in',
  '!~',
  '!=',
  '==',
  '=~',
  '<=',
  '>=',
  '<>',
  '|',
  '(',
  ')',
  '[',
  ']',
  ',',
  '.',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  ':',
  ';',
];
/** Operators written with a hyphen: read as one identifier. */
const HYPHENATED = ['project-away', 'project-rename', 'project-keep', 'project-reorder'];

/** Timespan suffixes in milliseconds, longest first so `ms` wins over `m`. */
const TIMESPAN_UNITS: readonly [string, number][] = [
  ['microseconds', 0.001],
  ['microsecond', 0.001],
  ['milliseconds', 1],
  ['millisecond', 1],
  ['minutes', 60_000],
  ['minute', 60_000],
  ['seconds', 1000],
  ['second', 1000],
  ['hours', 3_600_000],
  ['hour', 3_600_000],
  ['days', 86_400_000],
  ['day', 86_400_000],
  ['ticks', 0.0001],
  ['tick', 0.0001],
  ['micros', 0.001],
  ['ms', 1],
  ['min', 60_000],
  ['sec', 1000],
  ['hr', 3_600_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  const length = source.length;
  while (index < length) {
    const code = source.charCodeAt(index);
    if (code === 32 || code === 9 || code === 10 || code === 13) {
      index++;
      continue;
    }
    if (source.startsWith('//', index)) {
      const newline = source.indexOf('\n', index);
      index = newline < 0 ? length : newline + 1;
      continue;
    }
    const start = index;
    if (isIdentStart(code)) {
      index++;
      while (index < length && isIdentPart(source.charCodeAt(index))) index++;
      let text = source.slice(start, index);
      const hyphenated = HYPHENATED.find((name) => source.startsWith(name, start) && !isIdentPart(source.charCodeAt(start + name.length)));
      if (hyphenated) {
        text = hyphenated;
        index = start + hyphenated.length;
      } else if (text === 'in' && source[index] === '~') {
        text = 'in~';
        index++;
      }
      if ((text === 'datetime' || text === 'timespan') && source[index] === '(') {
        const raw = rawLiteral(source, index);
        if (raw) {
          tokens.push({
            kind: text === 'datetime' ? 'datetime' : 'timespan',
            text: source.slice(start, raw.end),
            value: text === 'datetime' ? raw.text : timespanText(raw.text, start, source),
            start,
            end: raw.end,
          });
          index = raw.end;
          continue;
        }
      }
      tokens.push({ kind: 'ident', text, start, end: index });
      continue;
    }
    if (isDigit(code) || (code === 46 && isDigit(source.charCodeAt(index + 1)))) {
      while (index < length && isDigit(source.charCodeAt(index))) index++;
      if (source[index] === '.' && isDigit(source.charCodeAt(index + 1))) {
        index++;
        while (index < length && isDigit(source.charCodeAt(index))) index++;
      }
      if ((source[index] === 'e' || source[index] === 'E') && /^[eE][+-]?\d/.test(source.slice(index, index + 3))) {
        index += source[index + 1] === '+' || source[index + 1] === '-' ? 2 : 1;
        while (index < length && isDigit(source.charCodeAt(index))) index++;
      }
      const number = Number(source.slice(start, index));
      const unit = TIMESPAN_UNITS.find(
        ([suffix]) => source.startsWith(suffix, index) && !isIdentPart(source.charCodeAt(index + suffix.length)),
      );
      if (unit) {
        index += unit[0].length;
        tokens.push({ kind: 'timespan', text: source.slice(start, index), value: number * unit[1], start, end: index });
      } else {
        if (isIdentPart(source.charCodeAt(index))) {
          throw new QueryError(
            'syntax',
            `"${source.slice(start, index + 1)}" is not a number or a timespan (units: ms, s, m, h, d)`,
            start,
            source,
            ['number', 'timespan'],
          );
        }
        tokens.push({ kind: 'number', text: source.slice(start, index), value: number, start, end: index });
      }
      continue;
    }
    if (code === 39 || code === 34 || (code === 64 && (source[index + 1] === '"' || source[index + 1] === "'"))) {
      const verbatim = code === 64;
      const quoteAt = code === 39 || code === 34 ? index : index + 1;
      const quote = source[quoteAt];
      let value = '';
      index = quoteAt + 1;
      for (;;) {
        if (index >= length || source[index] === '\n') {
          throw new QueryError('syntax', 'This string has no closing quote', start, source, [quote]);
        }
        const char = source[index];
        if (char === quote) {
          index++;
          break;
        }
        if (char === '\\' && !verbatim) {
          const next = source[index + 1];
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : (next ?? '');
          index += 2;
          continue;
        }
        value += char;
        index++;
      }
      tokens.push({ kind: 'string', text: source.slice(start, index), value, start, end: index });
      continue;
    }
    const punct = PUNCTUATION.find(
      (text) =>
        source.startsWith(text, index) &&
        !(isIdentStart(text.charCodeAt(text.length - 1)) && isIdentPart(source.charCodeAt(index + text.length))),
    );
    if (punct) {
      tokens.push({ kind: 'punct', text: punct, start, end: index + punct.length });
      index += punct.length;
      continue;
    }
    if (code === 36) {
      // $left / $right
      index++;
      while (index < length && isIdentPart(source.charCodeAt(index))) index++;
      tokens.push({ kind: 'ident', text: source.slice(start, index), start, end: index });
      continue;
    }
    throw new QueryError('syntax', `Unexpected character "${source[index]}"`, start, source);
  }
  tokens.push({ kind: 'eof', text: '', start: length, end: length });
  return tokens;
}

/** `(…)` right after `datetime`/`timespan`, unless it holds a quoted string or is empty. */
function rawLiteral(source: string, open: number): { text: string; end: number } | undefined {
  const close = source.indexOf(')', open);
  if (close < 0) return undefined;
  const inner = source.slice(open + 1, close).trim();
  if (inner === '' || inner.startsWith('"') || inner.startsWith("'")) return undefined;
  return { text: inner, end: close + 1 };
}

/** `timespan(1d)`, `timespan(00:05:00)`, `timespan(1.02:03:04.5)`. */
function timespanText(text: string, start: number, source: string): number {
  const unit = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  if (unit) {
    return Number(unit[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit[2] as 'ms']!;
  }
  const clock = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text);
  if (clock) {
    return Number(clock[1] ?? 0) * 86_400_000 + Number(clock[2]) * 3_600_000 + Number(clock[3]) * 60_000 + Number(clock[4]) * 1000;
  }
  throw new QueryError('syntax', `"${text}" is not a timespan`, start, source, ['1d', '00:05:00']);
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isIdentStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isIdentPart(code: number): boolean {
  return isIdentStart(code) || isDigit(code);
}
