/**
 * Scalar expressions compiled once per operator into closures over a row, with their static type,
 * so type errors surface before any row is read and the row loops stay cheap. Regular expressions
 * go through re2js (linear time: no catastrophic backtracking). Pure.
 */
import { RE2JS } from 're2js';
import { KQL_AGGREGATIONS, KQL_FUNCTIONS } from '../../shared/kqlVocabulary';
import type { Expr } from './ast';
import type { EvalContext } from './context';
import { parseDatetimeText } from './parser';
import type { ColumnDef } from './schema';
import type { ScalarType, Value } from './types';
import { compareValues, groupKey, hasTerm, toNumber, valueToString } from './values';

export interface Compiled {
  readonly type: ScalarType;
  readonly eval: (row: unknown) => Value;
  /** Set for literals (and expressions of literals only), so callers can precompute. */
  readonly constant?: boolean;
  /** A column that is the item's own field (see ColumnDef.field). */
  readonly field?: ColumnDef['field'];
  /** `bin(column, constant)` over such a field: summarize groups by the bucket number. */
  readonly bin?: { readonly field: NonNullable<ColumnDef['field']>; readonly step: number };
}

export type Scope = ReadonlyMap<string, ColumnDef>;

// One vocabulary for the evaluator and the query box's completion (src/shared/kqlVocabulary.ts).
export const SCALAR_FUNCTIONS = KQL_FUNCTIONS;
export const AGGREGATE_FUNCTIONS = KQL_AGGREGATIONS;

const NUMERIC = new Set<ScalarType>(['long', 'real']);
/** Longest text parse_json reads (larger input gives null, like malformed JSON). */
const MAX_JSON_CHARS = 1024 * 1024;

export function compileExpr(expr: Expr, scope: Scope, ctx: EvalContext): Compiled {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return { type: expr.type === 'null' ? 'dynamic' : expr.type, eval: () => value, constant: true };
    }
    case 'column': {
      const column = scope.get(expr.name);
      if (!column) {
        throw ctx.error(
          'semantic',
          `Unknown column "${expr.name}"${suggestion(expr.name, scope)}`,
          expr.pos,
          [...scope.keys()].slice(0, 60),
        );
      }
      return column.field ? { type: column.type, eval: column.get, field: column.field } : { type: column.type, eval: column.get };
    }
    case 'member': {
      const object = compileExpr(expr.object, scope, ctx);
      if (object.type !== 'dynamic') {
        throw ctx.error(
          'semantic',
          `Only dynamic values (customDimensions, parse_json(…)) have properties; this is ${object.type}`,
          expr.pos,
        );
      }
      const key = expr.key;
      const get = object.eval;
      return {
        type: 'dynamic',
        eval: (row) => {
          const value = get(row) as unknown;
          if (value === null || typeof value !== 'object') return null;
          if (Array.isArray(value)) {
            const index = typeof key === 'number' ? (key < 0 ? value.length + key : key) : NaN;
            return (value[index] as Value | undefined) ?? null;
          }
          return typeof key === 'string' && Object.prototype.hasOwnProperty.call(value, key)
            ? ((value as Record<string, Value>)[key] ?? null)
            : null;
        },
      };
    }
    case 'negate': {
      const operand = compileExpr(expr.operand, scope, ctx);
      if (!NUMERIC.has(operand.type) && operand.type !== 'timespan' && operand.type !== 'dynamic') {
        throw ctx.error('semantic', `Cannot negate a ${operand.type}`, expr.pos);
      }
      const get = operand.eval;
      return {
        type: operand.type === 'dynamic' ? 'real' : operand.type,
        eval: (row) => {
          const value = toNumber(get(row));
          return value === null ? null : -value;
        },
        constant: operand.constant,
      };
    }
    case 'in':
      return compileIn(expr, scope, ctx);
    case 'binary':
      return compileBinary(expr, scope, ctx);
    case 'call':
      return compileCall(expr, scope, ctx);
  }
}

/** A boolean expression (where, countif, iff): bool or dynamic. */
export function compilePredicate(expr: Expr, scope: Scope, ctx: EvalContext, what: string): (row: unknown) => boolean {
  const compiled = compileExpr(expr, scope, ctx);
  if (compiled.type !== 'bool' && compiled.type !== 'dynamic') {
    throw ctx.error('semantic', `${what} needs a true/false condition; this expression is ${compiled.type}`, expr.pos, ['bool']);
  }
  const get = compiled.eval;
  return compiled.type === 'bool'
    ? (row) => get(row) === true
    : (row) => {
        const value = get(row);
        return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
      };
}

function suggestion(name: string, scope: Scope): string {
  const lower = name.toLowerCase();
  const match = [...scope.keys()].find((candidate) => candidate.toLowerCase() === lower);
  return match ? `; did you mean "${match}"? (names are case-sensitive)` : '';
}

function family(type: ScalarType): string {
  return NUMERIC.has(type) ? 'number' : type;
}

function compileBinary(expr: Extract<Expr, { kind: 'binary' }>, scope: Scope, ctx: EvalContext): Compiled {
  const left = compileExpr(expr.left, scope, ctx);
  const right = compileExpr(expr.right, scope, ctx);
  const constant = left.constant && right.constant;
  const l = left.eval;
  const r = right.eval;
  const op = expr.op;
  if (op === 'and' || op === 'or') {
    for (const [side, node] of [
      [left, expr.left],
      [right, expr.right],
    ] as const) {
      if (side.type !== 'bool' && side.type !== 'dynamic')
        throw ctx.error('semantic', `"${op}" needs true/false on both sides; this is ${side.type}`, node.pos, ['bool']);
    }
    return {
      type: 'bool',
      eval: op === 'and' ? (row) => l(row) === true && r(row) === true : (row) => l(row) === true || r(row) === true,
      constant,
    };
  }
  if (op === '==' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') {
    return { type: 'bool', eval: comparison(op, left, right, expr, ctx), constant };
  }
  if (op === '=~' || op === '!~') {
    const negate = op === '!~';
    const rightLower = right.constant ? valueToString(r(null), right.type).toLowerCase() : undefined;
    return {
      type: 'bool',
      eval: (row) => {
        const a = valueToString(l(row), left.type).toLowerCase();
        const b = rightLower ?? valueToString(r(row), right.type).toLowerCase();
        return (a === b) !== negate;
      },
      constant,
    };
  }
  if (op === 'matches regex') return { type: 'bool', eval: regexMatch(left, right, expr, ctx) };
  if (op.endsWith('has') || op.includes('contains') || op.includes('startswith') || op.includes('endswith') || op === 'has_cs') {
    return { type: 'bool', eval: stringOperator(op, left, right), constant };
  }
  return arithmetic(op, left, right, expr, ctx);
}

function comparison(op: string, left: Compiled, right: Compiled, expr: Expr, ctx: EvalContext): (row: unknown) => Value {
  const a = family(left.type);
  const b = family(right.type);
  const equality = op === '==' || op === '!=';
  const compatible =
    a === b ||
    a === 'dynamic' ||
    b === 'dynamic' ||
    // Application Insights keeps `duration` as milliseconds (real): `duration > 1s` compares in ms.
    (a === 'number' && b === 'timespan') ||
    (a === 'timespan' && b === 'number') ||
    (equality && ((a === 'bool' && b === 'string') || (a === 'string' && b === 'bool')));
  if (!compatible) {
    throw ctx.error('semantic', `Cannot compare ${left.type} with ${right.type} using "${op}"`, expr.pos);
  }
  const l = left.eval;
  const r = right.eval;
  const test = (order: number): boolean =>
    op === '=='
      ? order === 0
      : op === '!='
        ? order !== 0
        : op === '<'
          ? order < 0
          : op === '>'
            ? order > 0
            : op === '<='
              ? order <= 0
              : order >= 0;
  if ((a === 'number' && b === 'number') || (a === b && (a === 'datetime' || a === 'timespan'))) {
    // The common case (duration > 500, timestamp > ago(1h)) without the generic comparison.
    if (right.constant) {
      const constant = r(null) as number | null;
      if (constant === null) return () => false;
      const field = left.field;
      if (field) {
        // The field read in place: no getter call, no boxed number per row.
        switch (op) {
          case '>':
            return (row) => {
              const v = (row as Record<string, unknown>)[field];
              return typeof v === 'number' && v > constant;
            };
          case '<':
            return (row) => {
              const v = (row as Record<string, unknown>)[field];
              return typeof v === 'number' && v < constant;
            };
          case '>=':
            return (row) => {
              const v = (row as Record<string, unknown>)[field];
              return typeof v === 'number' && v >= constant;
            };
          case '<=':
            return (row) => {
              const v = (row as Record<string, unknown>)[field];
              return typeof v === 'number' && v <= constant;
            };
          case '==':
            return (row) => (row as Record<string, unknown>)[field] === constant;
          default:
            return (row) => {
              const v = (row as Record<string, unknown>)[field];
              return typeof v === 'number' && v !== constant;
            };
        }
      }
      switch (op) {
        case '>':
          return (row) => {
            const v = l(row) as number | null;
            return v !== null && v > constant;
          };
        case '<':
          return (row) => {
            const v = l(row) as number | null;
            return v !== null && v < constant;
          };
        case '>=':
          return (row) => {
            const v = l(row) as number | null;
            return v !== null && v >= constant;
          };
        case '<=':
          return (row) => {
            const v = l(row) as number | null;
            return v !== null && v <= constant;
          };
        case '==':
          return (row) => l(row) === constant;
        default:
          return (row) => {
            const v = l(row);
            return v !== null && v !== constant;
          };
      }
    }
  }
  if (a === 'bool' && b === 'bool' && equality && right.constant && left.field) {
    // success == false: a missing value (null) is neither equal nor unequal, as in the generic path.
    const constant = r(null);
    const field = left.field;
    if (typeof constant === 'boolean') {
      return op === '=='
        ? (row) => (row as Record<string, unknown>)[field] === constant
        : (row) => {
            const v = (row as Record<string, unknown>)[field];
            return typeof v === 'boolean' && v !== constant;
          };
    }
  }
  if (a === 'string' && b === 'string' && equality) {
    return op === '==' ? (row) => l(row) === r(row) : (row) => l(row) !== r(row);
  }
  return (row) => {
    const x = l(row);
    const y = r(row);
    if (x === null || y === null) return false;
    const order = compareValues(x, y);
    return Number.isNaN(order) ? op === '!=' : test(order);
  };
}

function stringOperator(op: string, left: Compiled, right: Compiled): (row: unknown) => Value {
  const negate = op.startsWith('!');
  const base = negate ? op.slice(1) : op;
  const caseSensitive = base.endsWith('_cs');
  const kind = caseSensitive ? base.slice(0, -3) : base;
  const fold = (text: string): string => (caseSensitive ? text : text.toLowerCase());
  const l = left.eval;
  const r = right.eval;
  const constantNeedle = right.constant ? fold(valueToString(r(null), right.type)) : undefined;
  const test =
    kind === 'has'
      ? hasTerm
      : kind === 'contains'
        ? (text: string, needle: string) => text.includes(needle)
        : kind === 'startswith'
          ? (text: string, needle: string) => text.startsWith(needle)
          : (text: string, needle: string) => text.endsWith(needle);
  return (row) => {
    const text = fold(valueToString(l(row), left.type));
    const needle = constantNeedle ?? fold(valueToString(r(row), right.type));
    return test(text, needle) !== negate;
  };
}

function regexMatch(left: Compiled, right: Compiled, expr: Extract<Expr, { kind: 'binary' }>, ctx: EvalContext): (row: unknown) => Value {
  if (!right.constant || right.type !== 'string') {
    throw ctx.error('semantic', '"matches regex" needs a constant string pattern', expr.right.pos, ['string']);
  }
  const pattern = right.eval(null) as string;
  if (pattern.length > ctx.limits.maxRegexChars) {
    throw ctx.error(
      'limit',
      `The pattern is ${pattern.length} characters long; at most ${ctx.limits.maxRegexChars} are accepted`,
      expr.right.pos,
    );
  }
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch (error) {
    throw ctx.error(
      'semantic',
      `Invalid regular expression (RE2 syntax): ${error instanceof Error ? error.message : String(error)}`,
      expr.right.pos,
    );
  }
  const l = left.eval;
  return (row) => regex.matcher(valueToString(l(row), left.type)).find();
}

function arithmetic(op: string, left: Compiled, right: Compiled, expr: Extract<Expr, { kind: 'binary' }>, ctx: EvalContext): Compiled {
  const a = family(left.type);
  const b = family(right.type);
  let type: ScalarType | undefined;
  if (a === 'dynamic' || b === 'dynamic') type = 'real';
  else if (a === 'number' && b === 'number') type = left.type === 'long' && right.type === 'long' ? 'long' : 'real';
  else if (op === '-' && a === 'datetime' && b === 'datetime') type = 'timespan';
  else if ((op === '+' || op === '-') && a === 'datetime' && b === 'timespan') type = 'datetime';
  else if (op === '+' && a === 'timespan' && b === 'datetime') type = 'datetime';
  else if ((op === '+' || op === '-' || op === '%') && a === 'timespan' && b === 'timespan') type = 'timespan';
  else if (op === '/' && a === 'timespan' && b === 'timespan') type = 'real';
  else if ((op === '*' || op === '/') && a === 'timespan' && b === 'number') type = 'timespan';
  else if (op === '*' && a === 'number' && b === 'timespan') type = 'timespan';
  if (!type) {
    const hint = a === 'string' && b === 'string' && op === '+' ? '; join text with strcat()' : '';
    throw ctx.error('semantic', `Cannot apply "${op}" to ${left.type} and ${right.type}${hint}`, expr.pos);
  }
  const l = left.eval;
  const r = right.eval;
  const integer = type === 'long';
  const apply = (x: number, y: number): number | null => {
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return y === 0 ? null : integer ? Math.trunc(x / y) : x / y;
      default:
        return y === 0 ? null : x % y;
    }
  };
  return {
    type,
    eval: (row) => {
      const x = toNumber(l(row));
      const y = toNumber(r(row));
      return x === null || y === null ? null : apply(x, y);
    },
    constant: left.constant && right.constant,
  };
}

function compileIn(expr: Extract<Expr, { kind: 'in' }>, scope: Scope, ctx: EvalContext): Compiled {
  const left = compileExpr(expr.left, scope, ctx);
  const caseInsensitive = expr.op.endsWith('~');
  const negate = expr.op.startsWith('!');
  const items = expr.list.map((item) => ({ item, compiled: compileExpr(item, scope, ctx) }));
  const normalise = (value: unknown, type: ScalarType): string | number | boolean | null => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || caseInsensitive) {
      const text = valueToString(value, type);
      return caseInsensitive ? text.toLowerCase() : text;
    }
    return groupKey(value);
  };
  const l = left.eval;
  if (items.every(({ compiled }) => compiled.constant)) {
    const set = new Set(items.map(({ compiled }) => normalise(compiled.eval(null), compiled.type)));
    // Numbers in the list also match numeric text (dynamic values arrive as text).
    const numbers = new Set([...set].filter((value): value is number => typeof value === 'number'));
    return {
      type: 'bool',
      eval: (row) => {
        const value = l(row);
        if (value === null) return negate;
        const key = normalise(value, left.type);
        const found = set.has(key) || (typeof key === 'string' && numbers.size > 0 && numbers.has(Number(key)));
        return found !== negate;
      },
    };
  }
  return {
    type: 'bool',
    eval: (row) => {
      const key = normalise(l(row), left.type);
      const found = items.some(({ compiled }) => normalise(compiled.eval(row), compiled.type) === key);
      return found !== negate;
    },
  };
}

function compileCall(expr: Extract<Expr, { kind: 'call' }>, scope: Scope, ctx: EvalContext): Compiled {
  const name = expr.name;
  if ((AGGREGATE_FUNCTIONS as readonly string[]).includes(name)) {
    throw ctx.error('semantic', `${name}() is an aggregation; use it after summarize`, expr.pos, ['summarize']);
  }
  const args = expr.args.map((arg) => compileExpr(arg, scope, ctx));
  const arity = (min: number, max = min): void => {
    if (args.length < min || args.length > max || expr.star) {
      throw ctx.error(
        'semantic',
        `${name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}; got ${args.length}`,
        expr.pos,
      );
    }
  };
  const expect = (index: number, types: readonly ScalarType[]): void => {
    const type = args[index].type;
    if (type !== 'dynamic' && !types.includes(type)) {
      throw ctx.error(
        'semantic',
        `Argument ${index + 1} of ${name}() must be ${types.join(' or ')}; this is ${type}`,
        expr.args[index].pos,
        [...types],
      );
    }
  };
  const constant = args.every((arg) => arg.constant) && name !== 'now' && name !== 'ago';
  const one = args[0]?.eval;
  const oneType = args[0]?.type;
  switch (name) {
    case 'strcat': {
      if (args.length < 1 || args.length > 64)
        throw ctx.error('semantic', `strcat() takes 1 to 64 arguments; got ${args.length}`, expr.pos);
      return {
        type: 'string',
        eval: (row) => {
          let text = '';
          for (const arg of args) text += valueToString(arg.eval(row), arg.type);
          ctx.charge(text.length);
          return text;
        },
        constant,
      };
    }
    case 'tostring':
      arity(1);
      return {
        type: 'string',
        eval: (row) => {
          const text = valueToString(one(row), oneType);
          if (typeof one(row) === 'object') ctx.charge(text.length);
          return text;
        },
        constant,
      };
    case 'toint':
    case 'tolong':
      arity(1);
      return {
        type: 'long',
        eval: (row) => {
          const value = toNumber(one(row));
          return value === null ? null : Math.trunc(value);
        },
        constant,
      };
    case 'todouble':
    case 'toreal':
      arity(1);
      return { type: 'real', eval: (row) => toNumber(one(row)), constant };
    case 'todatetime':
    case 'datetime':
      arity(1);
      expect(0, ['string', 'datetime']);
      if (name === 'datetime' && args[0].constant && oneType === 'string' && parseDatetimeText(one(null) as string) === undefined) {
        throw ctx.error('semantic', `"${String(one(null))}" is not a date and time`, expr.args[0].pos, ['2024-01-31T10:00:00Z']);
      }
      return {
        type: 'datetime',
        eval: (row) => {
          const value = one(row);
          if (typeof value === 'number') return value;
          if (typeof value !== 'string') return null;
          return parseDatetimeText(value) ?? (Number.isNaN(Date.parse(value)) ? null : Date.parse(value));
        },
        constant,
      };
    case 'parse_json':
    case 'todynamic':
      arity(1);
      return {
        type: 'dynamic',
        eval: (row) => {
          const value = one(row);
          if (typeof value !== 'string') return value;
          if (value.length > MAX_JSON_CHARS) return null;
          ctx.charge(value.length);
          try {
            return JSON.parse(value) as Value;
          } catch {
            return null;
          }
        },
        constant,
      };
    case 'ago':
      arity(1);
      expect(0, ['timespan']);
      return {
        type: 'datetime',
        eval: (row) => {
          const span = toNumber(one(row));
          return span === null ? null : ctx.now - span;
        },
        constant: args[0].constant,
      };
    case 'now':
      arity(0, 1);
      if (args.length === 1) expect(0, ['timespan']);
      return { type: 'datetime', eval: (row) => ctx.now + (args.length === 1 ? (toNumber(one(row)) ?? 0) : 0), constant: true };
    case 'bin':
    case 'floor': {
      arity(2);
      const [value, size] = args;
      const ok =
        (NUMERIC.has(value.type) && NUMERIC.has(size.type)) ||
        ((value.type === 'datetime' || value.type === 'timespan' || value.type === 'real') && size.type === 'timespan') ||
        value.type === 'dynamic' ||
        size.type === 'dynamic';
      if (!ok)
        throw ctx.error(
          'semantic',
          `bin() cannot round a ${value.type} to a ${size.type}; use bin(timestamp, 1m) or bin(duration, 100)`,
          expr.pos,
          ['bin(timestamp, 1m)'],
        );
      const type: ScalarType = value.type === 'dynamic' ? 'real' : value.type === 'long' && size.type === 'real' ? 'real' : value.type;
      const getValue = value.eval;
      if (size.constant) {
        const step = toNumber(size.eval(null));
        if (step === null || step <= 0) throw ctx.error('semantic', 'The bin size must be greater than zero', expr.args[1].pos);
        const evaluate = (row: unknown): Value => {
          const x = getValue(row);
          return typeof x === 'number' ? Math.floor(x / step) * step : x === null ? null : binOf(toNumber(x), step);
        };
        return value.field ? { type, eval: evaluate, constant, bin: { field: value.field, step } } : { type, eval: evaluate, constant };
      }
      return {
        type,
        eval: (row) => {
          const step = toNumber(size.eval(row));
          return step === null || step <= 0 ? null : binOf(toNumber(getValue(row)), step);
        },
        constant,
      };
    }
    case 'iff':
    case 'iif': {
      arity(3);
      expect(0, ['bool']);
      const [, then, otherwise] = args;
      if (
        then.type !== otherwise.type &&
        then.type !== 'dynamic' &&
        otherwise.type !== 'dynamic' &&
        !(NUMERIC.has(then.type) && NUMERIC.has(otherwise.type))
      ) {
        throw ctx.error('semantic', `iff() branches must have one type; these are ${then.type} and ${otherwise.type}`, expr.pos);
      }
      const type = then.type === otherwise.type ? then.type : NUMERIC.has(then.type) && NUMERIC.has(otherwise.type) ? 'real' : 'dynamic';
      return { type, eval: (row) => (one(row) === true ? then.eval(row) : otherwise.eval(row)), constant };
    }
    case 'isempty':
    case 'isnotempty': {
      arity(1);
      const empty = name === 'isempty';
      return {
        type: 'bool',
        eval: (row) => {
          const value = one(row);
          return (value === null || value === '') === empty;
        },
        constant,
      };
    }
    case 'isnull':
    case 'isnotnull': {
      arity(1);
      const wanted = name === 'isnull';
      return { type: 'bool', eval: (row) => (one(row) === null) === wanted, constant };
    }
    case 'strlen':
      arity(1);
      return { type: 'long', eval: (row) => valueToString(one(row), oneType).length, constant };
    case 'tolower':
    case 'toupper': {
      arity(1);
      const upper = name === 'toupper';
      return {
        type: 'string',
        eval: (row) => {
          const text = valueToString(one(row), oneType);
          return upper ? text.toUpperCase() : text.toLowerCase();
        },
        constant,
      };
    }
    case 'not':
      arity(1);
      expect(0, ['bool']);
      return { type: 'bool', eval: (row) => one(row) !== true, constant };
    case 'round': {
      arity(1, 2);
      expect(0, ['long', 'real']);
      const digits = args[1];
      return {
        type: 'real',
        eval: (row) => {
          const value = toNumber(one(row));
          const places = digits ? (toNumber(digits.eval(row)) ?? 0) : 0;
          if (value === null) return null;
          const factor = 10 ** Math.max(0, Math.min(15, Math.trunc(places)));
          return Math.round(value * factor) / factor;
        },
        constant,
      };
    }
    default:
      throw ctx.error('semantic', `Unknown function "${name}"`, expr.pos, [...SCALAR_FUNCTIONS]);
  }
}

function binOf(value: number | null, step: number): number | null {
  return value === null ? null : Math.floor(value / step) * step;
}

/** The column name Kusto gives an unnamed expression: the column it is about, if any. */
export function derivedName(expr: Expr): string | undefined {
  switch (expr.kind) {
    case 'column':
      return expr.name;
    case 'member': {
      const object = derivedName(expr.object);
      return object === undefined ? undefined : `${object}_${String(expr.key)}`;
    }
    case 'call':
      return expr.args.length > 0 ? derivedName(expr.args[0]) : undefined;
    default:
      return undefined;
  }
}
