/**
 * summarize's aggregations. Each compiles once into output columns and a factory of per-group
 * accumulators. percentile uses the nearest-rank method over the group's values (exact; Kusto's
 * t-digest gives the same on small groups). Pure.
 */
import type { Expr, NamedExpr } from './ast';
import type { EvalContext } from './context';
import { AGGREGATE_FUNCTIONS, compileExpr, compilePredicate, derivedName, Scope } from './expressions';
import type { ScalarType, Value } from './types';
import { compareValues, groupKey, toCell, toNumber } from './values';

export interface Accumulator {
  add(row: unknown): void;
  results(): Value[];
}

export interface CompiledAggregate {
  readonly columns: readonly { name: string; type: ScalarType }[];
  create(): Accumulator;
}

const NUMERIC_TYPES: readonly ScalarType[] = ['long', 'real', 'timespan'];

export function compileAggregate(item: NamedExpr, scope: Scope, ctx: EvalContext, byNames: ReadonlySet<string>): CompiledAggregate {
  const expr = item.expr;
  if (expr.kind !== 'call') {
    throw ctx.error('semantic', 'Expected an aggregation such as count(), avg(duration) or percentile(duration, 95)', item.pos, [
      'count()',
      'sum()',
      'avg()',
    ]);
  }
  const name = expr.name;
  const args = expr.args;
  const arity = (min: number, max = min): void => {
    if (args.length < min || args.length > max) {
      throw ctx.error(
        'semantic',
        `${name}() takes ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}; got ${args.length}`,
        expr.pos,
      );
    }
  };
  const value = (index: number, allowed?: readonly ScalarType[]) => {
    const compiled = compileExpr(args[index], scope, ctx);
    if (allowed && compiled.type !== 'dynamic' && !allowed.includes(compiled.type)) {
      throw ctx.error('semantic', `${name}() needs ${allowed.join(' or ')}; this is ${compiled.type}`, args[index].pos, [...allowed]);
    }
    return compiled;
  };
  const named = (prefix: string, type: ScalarType, about?: Expr) => [
    { name: item.name ?? `${prefix}_${about ? (derivedName(about) ?? '') : ''}`, type },
  ];
  const constantNumber = (index: number, what: string): number => {
    const compiled = compileExpr(args[index], scope, ctx);
    const number = compiled.constant ? toNumber(compiled.eval(null)) : null;
    if (number === null) throw ctx.error('semantic', `${what} must be a constant number`, args[index].pos, ['number']);
    return number;
  };
  if (expr.star && name !== 'count' && name !== 'arg_max' && name !== 'arg_min') {
    throw ctx.error('semantic', `${name}() does not take *`, expr.pos);
  }

  switch (name) {
    case 'count': {
      arity(0);
      return {
        columns: named('count', 'long'),
        create: () => {
          let count = 0;
          return {
            add: () => {
              count++;
            },
            results: () => [count],
          };
        },
      };
    }
    case 'countif': {
      arity(1);
      const predicate = compilePredicate(args[0], scope, ctx, 'countif()');
      return {
        columns: named('countif', 'long'),
        create: () => {
          let count = 0;
          return {
            add: (row) => {
              if (predicate(row)) count++;
            },
            results: () => [count],
          };
        },
      };
    }
    case 'sum':
    case 'avg': {
      arity(1);
      const compiled = value(0, NUMERIC_TYPES);
      const get = compiled.eval;
      const type: ScalarType = compiled.type === 'dynamic' ? 'real' : name === 'avg' && compiled.type === 'long' ? 'real' : compiled.type;
      const average = name === 'avg';
      const field = compiled.field;
      if (field) {
        // The item's own number read in place; the running sum and count in a Float64Array, so
        // adding a row allocates nothing (a double kept in a closure variable is boxed on write).
        return {
          columns: named(name, type, args[0]),
          create: () => {
            const state = new Float64Array(2);
            return {
              add: (row) => {
                const number = (row as Record<string, unknown>)[field];
                if (typeof number === 'number' && Number.isFinite(number)) {
                  state[0] += number;
                  state[1]++;
                } else if (number !== undefined && number !== null) {
                  const converted = toNumber(number);
                  if (converted !== null) {
                    state[0] += converted;
                    state[1]++;
                  }
                }
              },
              results: () => [state[1] === 0 ? null : average ? state[0]! / state[1]! : state[0]!],
            };
          },
        };
      }
      return {
        columns: named(name, type, args[0]),
        create: () => {
          let sum = 0;
          let count = 0;
          return {
            add: (row) => {
              const number = toNumber(get(row));
              if (number !== null) {
                sum += number;
                count++;
              }
            },
            results: () => [count === 0 ? null : average ? sum / count : sum],
          };
        },
      };
    }
    case 'min':
    case 'max': {
      arity(1);
      const compiled = value(0);
      const get = compiled.eval;
      const sign = name === 'min' ? -1 : 1;
      return {
        columns: named(name, compiled.type, args[0]),
        create: () => {
          let best: Value = null;
          return {
            add: (row) => {
              const candidate = get(row);
              if (candidate === null || candidate === '') return;
              if (best === null || sign * compareValues(candidate, best) > 0) best = candidate;
            },
            results: () => [best],
          };
        },
      };
    }
    case 'dcount': {
      arity(1, 2);
      const get = value(0).eval;
      return {
        columns: named('dcount', 'long', args[0]),
        create: () => {
          const seen = new Set<unknown>();
          return {
            add: (row) => {
              const key = groupKey(get(row));
              if (key !== null) seen.add(key);
            },
            results: () => [seen.size],
          };
        },
      };
    }
    case 'percentile':
    case 'percentiles': {
      arity(2, name === 'percentile' ? 2 : 16);
      const compiled = value(0, NUMERIC_TYPES.concat(['datetime']));
      const get = compiled.eval;
      const ranks = args.slice(1).map((_, index) => constantNumber(index + 1, 'The percentile'));
      for (const [index, rank] of ranks.entries()) {
        if (rank < 0 || rank > 100) throw ctx.error('semantic', 'A percentile is between 0 and 100', args[index + 1].pos);
      }
      const base = derivedName(args[0]) ?? '';
      const columns = ranks.map((rank) => ({
        name: item.name && ranks.length === 1 ? item.name : `percentile_${base}_${String(rank).replace('.', '_')}`,
        type: compiled.type === 'dynamic' ? ('real' as const) : compiled.type,
      }));
      return {
        columns,
        create: () => {
          const values: number[] = [];
          return {
            add: (row) => {
              const number = toNumber(get(row));
              if (number !== null) values.push(number);
            },
            results: () => {
              if (values.length === 0) return ranks.map(() => null);
              values.sort((a, b) => a - b);
              return ranks.map((rank) => values[Math.min(values.length - 1, Math.max(0, Math.ceil((rank / 100) * values.length) - 1))]);
            },
          };
        },
      };
    }
    case 'make_list':
    case 'make_set': {
      arity(1, 2);
      const compiled = value(0);
      const get = compiled.eval;
      const requested = args.length === 2 ? constantNumber(1, 'The list size') : ctx.limits.maxListItems;
      const max = Math.max(0, Math.min(requested, ctx.limits.maxListItems));
      const unique = name === 'make_set';
      return {
        columns: named(unique ? 'set' : 'list', 'dynamic', args[0]),
        create: () => {
          const list: unknown[] = [];
          const seen = unique ? new Set<unknown>() : undefined;
          return {
            add: (row) => {
              if (list.length >= max) return;
              const element = get(row);
              if (element === null) return;
              if (seen) {
                const key = groupKey(element);
                if (seen.has(key)) return;
                seen.add(key);
              }
              ctx.charge(typeof element === 'string' ? element.length + 2 : 16);
              list.push(toCell(element, compiled.type));
            },
            results: () => [list],
          };
        },
      };
    }
    case 'arg_max':
    case 'arg_min': {
      if (args.length < 1) throw ctx.error('semantic', `${name}() needs the expression to maximise and the columns to return`, expr.pos);
      const key = value(0);
      const keyName = item.name ?? derivedName(args[0]) ?? (name === 'arg_max' ? 'max_' : 'min_');
      const others: { name: string; type: ScalarType; get: (row: unknown) => Value }[] = [];
      const used = new Set([keyName, ...byNames]);
      if (expr.star) {
        for (const column of scope.values()) {
          if (!used.has(column.name)) {
            used.add(column.name);
            others.push(column);
          }
        }
      }
      for (const arg of args.slice(1)) {
        const compiled = compileExpr(arg, scope, ctx);
        const columnName = derivedName(arg) ?? `Column${others.length + 1}`;
        if (used.has(columnName)) continue;
        used.add(columnName);
        others.push({ name: columnName, type: compiled.type, get: compiled.eval });
      }
      const sign = name === 'arg_max' ? 1 : -1;
      const getKey = key.eval;
      return {
        columns: [{ name: keyName, type: key.type }, ...others.map(({ name: columnName, type }) => ({ name: columnName, type }))],
        create: () => {
          let bestKey: Value = null;
          let bestRow: unknown;
          return {
            add: (row) => {
              const candidate = getKey(row);
              if (candidate === null) return;
              if (bestKey === null || sign * compareValues(candidate, bestKey) > 0) {
                bestKey = candidate;
                bestRow = row;
              }
            },
            results: () => [bestKey, ...others.map((column) => (bestRow === undefined ? null : column.get(bestRow)))],
          };
        },
      };
    }
    default:
      throw ctx.error('semantic', `Unknown aggregation "${name}"`, expr.pos, AGGREGATE_FUNCTIONS);
  }
}
