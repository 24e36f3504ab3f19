/**
 * Runs a parsed query over the store's items. Frames pass rows through untouched where they can
 * (where, take, top, order, project-away keep the items themselves; extend wraps them), so a
 * filter over 100,000 items copies nothing. Every loop ticks the context's clock and every step's
 * size is checked, so a hostile query ends with an error rather than a hang. Pure.
 */
import type { Expr, Operator, Query, SortKey, Source } from './ast';
import { compileAggregate } from './aggregates';
import { EvalContext } from './context';
import { compileExpr, compilePredicate, derivedName, Scope } from './expressions';
import { ColumnDef, isQueryTable, QUERY_TABLES, tableColumns } from './schema';
import type { TableName } from '../store/telemetryItem';
import type { ChartKind, ScalarType, Value } from './types';
import { compareValues, groupKey, hasTerm, valueToString } from './values';

export interface Frame {
  readonly columns: readonly ColumnDef[];
  readonly rows: readonly unknown[];
}

/** The rows of one table (see schema.ts tableRows). */
export type TableRows = (table: TableName) => readonly unknown[];

export interface Evaluated {
  readonly frame: Frame;
  readonly chart?: { kind: ChartKind; title?: string };
}

export function evaluateQuery(query: Query, tables: TableRows, ctx: EvalContext): Evaluated {
  let frame = evaluateSource(query.source, tables, ctx);
  let chart: Evaluated['chart'];
  query.operators.forEach((operator, index) => {
    ctx.position = operator.pos;
    if (operator.kind === 'render') {
      if (index !== query.operators.length - 1)
        throw ctx.error('semantic', 'render must be the last operator', operator.pos, ['end of query']);
      chart = { kind: operator.chart, title: operator.title };
      return;
    }
    frame = applyOperator(operator, frame, tables, ctx);
  });
  return { frame, chart };
}

function evaluateSource(source: Source, tables: TableRows, ctx: EvalContext): Frame {
  ctx.position = source.pos;
  switch (source.kind) {
    case 'table':
      return tableFrame(source.name, source.pos, tables, ctx);
    case 'union':
      return union(
        source.inputs.map((input) => evaluateQuery(input, tables, ctx).frame),
        ctx,
      );
    case 'search': {
      const names = source.tables?.map((table) => ({ ...table })) ?? QUERY_TABLES.map((name) => ({ name, pos: source.pos }));
      const frames = names.map(({ name, pos }) => {
        const frame = search(tableFrame(name, pos, tables, ctx), source.term, ctx);
        const table: ColumnDef = { name: '$table', type: 'string', get: () => name };
        return { columns: [table, ...frame.columns], rows: frame.rows };
      });
      return union(frames, ctx);
    }
  }
}

function tableFrame(name: string, pos: number, tables: TableRows, ctx: EvalContext): Frame {
  if (!isQueryTable(name)) {
    const near = QUERY_TABLES.find((table) => table.toLowerCase() === name.toLowerCase());
    throw ctx.error('semantic', `Unknown table "${name}"${near ? `; did you mean "${near}"?` : ''}`, pos, [...QUERY_TABLES]);
  }
  return { columns: tableColumns(name), rows: tables(name) };
}

function scopeOf(frame: Frame): Scope {
  return new Map(frame.columns.map((column) => [column.name, column]));
}

function applyOperator(operator: Operator, frame: Frame, tables: TableRows, ctx: EvalContext): Frame {
  switch (operator.kind) {
    case 'where': {
      const predicate = compilePredicate(operator.predicate, scopeOf(frame), ctx, 'where');
      const rows: unknown[] = [];
      for (const row of frame.rows) {
        ctx.tick();
        if (predicate(row)) rows.push(row);
      }
      return { columns: frame.columns, rows };
    }
    case 'extend': {
      const scope = new Map(scopeOf(frame));
      const added: { name: string; get: (row: unknown) => Value; type: ScalarType }[] = [];
      let unnamed = 0;
      for (const item of operator.items) {
        const compiled = compileExpr(item.expr, scope, ctx);
        const name = item.name ?? (item.expr.kind === 'column' ? item.expr.name : derivedNameOr(item.expr, () => `Column${++unnamed}`));
        added.push({ name, get: compiled.eval, type: compiled.type });
      }
      // Rows become {base, extra}: the base row stays shared, only the new values are stored.
      const rows = frame.rows.map((base) => {
        ctx.tick();
        return { base, extra: added.map((column) => column.get(base)) };
      });
      const addedNames = new Set(added.map((column) => column.name));
      // Rebuilt without `field`: the rows are no longer the items.
      const columns: ColumnDef[] = frame.columns
        .filter((column) => !addedNames.has(column.name))
        .map((column) => ({ name: column.name, type: column.type, get: (row: unknown) => column.get((row as Extended).base) }));
      added.forEach((column, index) =>
        columns.push({ name: column.name, type: column.type, get: (row: unknown) => (row as Extended).extra[index] }),
      );
      return { columns, rows };
    }
    case 'project': {
      const scope = scopeOf(frame);
      let unnamed = 0;
      const compiled = operator.items.map((item) => {
        const expression = compileExpr(item.expr, scope, ctx);
        return { name: item.name ?? derivedNameOr(item.expr, () => `Column${++unnamed}`), ...expression };
      });
      return materialise(frame, compiled, ctx);
    }
    case 'project-away': {
      const scope = scopeOf(frame);
      for (const column of operator.columns) {
        if (!scope.has(column.name)) throw ctx.error('semantic', `Unknown column "${column.name}"`, column.pos, [...scope.keys()]);
      }
      const away = new Set(operator.columns.map((column) => column.name));
      return { columns: frame.columns.filter((column) => !away.has(column.name)), rows: frame.rows };
    }
    case 'project-rename': {
      const scope = scopeOf(frame);
      const renames = new Map<string, string>();
      for (const rename of operator.renames) {
        if (!scope.has(rename.from)) throw ctx.error('semantic', `Unknown column "${rename.from}"`, rename.pos, [...scope.keys()]);
        renames.set(rename.from, rename.name);
      }
      return {
        columns: frame.columns.map((column) => (renames.has(column.name) ? { ...column, name: renames.get(column.name)! } : column)),
        rows: frame.rows,
      };
    }
    case 'summarize':
      return summarize(operator, frame, ctx);
    case 'sort':
      return { columns: frame.columns, rows: sortRows(frame, operator.keys, ctx) };
    case 'take':
      checkTake(operator.count, operator.pos, ctx);
      return { columns: frame.columns, rows: frame.rows.slice(0, operator.count) };
    case 'top':
      checkTake(operator.count, operator.pos, ctx);
      return { columns: frame.columns, rows: topRows(frame, operator.key, operator.count, ctx) };
    case 'distinct': {
      const scope = scopeOf(frame);
      const compiled = operator.all
        ? frame.columns.map((column) => ({ name: column.name, type: column.type, eval: column.get }))
        : operator.items.map((item, index) => ({
            name: item.name ?? derivedName(item.expr) ?? `Column${index + 1}`,
            ...compileExpr(item.expr, scope, ctx),
          }));
      const seen = new Set<string>();
      const rows: Value[][] = [];
      for (const row of frame.rows) {
        ctx.tick();
        const values = compiled.map((column) => column.eval(row));
        const key = JSON.stringify(values.map(groupKey));
        if (!seen.has(key)) {
          seen.add(key);
          rows.push(values);
        }
      }
      return arrayFrame(
        compiled.map(({ name, type }) => ({ name, type })),
        rows,
      );
    }
    case 'count':
      return arrayFrame([{ name: 'Count', type: 'long' }], [[frame.rows.length]]);
    case 'join':
      return join(frame, evaluateQuery(operator.right, tables, ctx).frame, operator, ctx);
    case 'union':
      return union([frame, ...operator.inputs.map((input) => evaluateQuery(input, tables, ctx).frame)], ctx);
    case 'search':
      return search(frame, operator.term, ctx);
    case 'render':
      return frame;
  }
}

interface Extended {
  readonly base: unknown;
  readonly extra: readonly Value[];
}

function derivedNameOr(expr: Parameters<typeof derivedName>[0], fallback: () => string): string {
  return (expr.kind === 'column' || expr.kind === 'member' ? derivedName(expr) : undefined) ?? fallback();
}

function checkTake(count: number, pos: number, ctx: EvalContext): void {
  if (count > ctx.limits.maxTake) {
    throw ctx.error('limit', `At most ${ctx.limits.maxTake} rows can be taken; ${count} is too many`, pos, [`≤ ${ctx.limits.maxTake}`]);
  }
}

function arrayFrame(columns: readonly { name: string; type: ScalarType }[], rows: readonly Value[][]): Frame {
  return {
    columns: columns.map((column, index) => ({ name: column.name, type: column.type, get: (row: unknown) => (row as Value[])[index] })),
    rows,
  };
}

function materialise(
  frame: Frame,
  columns: readonly { name: string; type: ScalarType; eval: (row: unknown) => Value }[],
  ctx: EvalContext,
): Frame {
  const names = new Set<string>();
  const unique = columns.map((column) => ({ ...column, name: uniqueName(column.name, names) }));
  const rows = frame.rows.map((row) => {
    ctx.tick();
    return unique.map((column) => column.eval(row));
  });
  return arrayFrame(unique, rows);
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let suffix = 1; taken.has(candidate); suffix++) candidate = `${name}${suffix}`;
  taken.add(candidate);
  return candidate;
}

function summarize(operator: Extract<Operator, { kind: 'summarize' }>, frame: Frame, ctx: EvalContext): Frame {
  const scope = scopeOf(frame);
  let unnamed = 0;
  const by = operator.by.map((item) => ({
    name: item.name ?? derivedName(item.expr) ?? `Column${++unnamed}`,
    ...compileExpr(item.expr, scope, ctx),
  }));
  const byNames = new Set(by.map((key) => key.name));
  const aggregates = operator.aggregates.map((item) => compileAggregate(item, scope, ctx, byNames));
  const taken = new Set<string>();
  const columns = [...by.map(({ name, type }) => ({ name, type })), ...aggregates.flatMap((aggregate) => aggregate.columns)].map(
    (column) => ({ ...column, name: uniqueName(column.name, taken) }),
  );
  type Group = { keys: Value[]; accumulators: ReturnType<(typeof aggregates)[number]['create']>[] };
  const groups = new Map<unknown, Group>();
  const newGroup = (keys: Value[]): Group => ({ keys, accumulators: aggregates.map((aggregate) => aggregate.create()) });
  const single = by.length === 1 ? by[0].eval : undefined;
  const bin = by.length === 1 ? by[0].bin : undefined;
  if (bin) return summarizeByBin(frame, bin, by[0].eval, aggregates, columns, ctx);
  for (const row of frame.rows) {
    ctx.tick();
    let group: Group | undefined;
    if (single) {
      const value = single(row);
      const key = typeof value === 'object' && value !== null ? groupKey(value) : value;
      group = groups.get(key);
      if (!group) {
        group = newGroup([value]);
        groups.set(key, group);
        ctx.checkRows(groups.size);
      }
    } else {
      const keys = by.map((key) => key.eval(row));
      const key = by.length === 0 ? '' : JSON.stringify(keys.map(groupKey));
      group = groups.get(key);
      if (!group) {
        group = newGroup(keys);
        groups.set(key, group);
        ctx.checkRows(groups.size);
      }
    }
    for (const accumulator of group.accumulators) accumulator.add(row);
  }
  if (by.length === 0 && groups.size === 0) groups.set('', newGroup([]));
  const rows = [...groups.values()].map((group) => [...group.keys, ...group.accumulators.flatMap((accumulator) => accumulator.results())]);
  return arrayFrame(columns, rows);
}

/**
 * `summarize … by bin(field, step)`: groups by the bucket number, a small integer, read straight
 * from the item's field, so the loop neither calls the key's getter nor boxes a timestamp per row.
 * Rows whose field is not a number go through the key's generic value. Groups come out in order
 * of first appearance, as in the general path.
 */
function summarizeByBin(
  frame: Frame,
  bin: { readonly field: string; readonly step: number },
  evaluate: (row: unknown) => Value,
  aggregates: readonly ReturnType<typeof compileAggregate>[],
  columns: readonly { name: string; type: ScalarType }[],
  ctx: EvalContext,
): Frame {
  type Accumulators = ReturnType<(typeof aggregates)[number]['create']>[];
  const { field, step } = bin;
  const byBucket = new Map<number, Accumulators>();
  const others = new Map<unknown, Accumulators>();
  const ordered: { key: Value; accumulators: Accumulators }[] = [];
  const create = (key: Value): Accumulators => {
    const accumulators = aggregates.map((aggregate) => aggregate.create());
    ordered.push({ key, accumulators });
    ctx.checkRows(ordered.length);
    return accumulators;
  };
  const rows = frame.rows;
  for (let index = 0; index < rows.length; index++) {
    ctx.tick();
    const row = rows[index];
    const value = (row as Record<string, unknown>)[field];
    let accumulators: Accumulators | undefined;
    if (typeof value === 'number') {
      const bucket = Math.floor(value / step);
      accumulators = byBucket.get(bucket);
      if (!accumulators) byBucket.set(bucket, (accumulators = create(bucket * step)));
    } else {
      // Missing (null) or not a number: the key's own value, as the general path would group it.
      const keyValue = evaluate(row);
      const key = typeof keyValue === 'object' && keyValue !== null ? groupKey(keyValue) : keyValue;
      accumulators = others.get(key);
      if (!accumulators) others.set(key, (accumulators = create(keyValue)));
    }
    for (let at = 0; at < accumulators.length; at++) accumulators[at]!.add(row);
  }
  return arrayFrame(
    columns,
    ordered.map(({ key, accumulators }) => [key, ...accumulators.flatMap((accumulator) => accumulator.results())]),
  );
}

interface CompiledKey {
  readonly eval: (row: unknown) => Value;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

function compileKeys(frame: Frame, keys: readonly SortKey[], ctx: EvalContext): CompiledKey[] {
  const scope = scopeOf(frame);
  return keys.map((key) => ({ eval: compileExpr(key.expr, scope, ctx).eval, descending: key.descending, nullsFirst: key.nullsFirst }));
}

function compareKeyed(keys: readonly CompiledKey[], a: readonly Value[], b: readonly Value[]): number {
  for (let index = 0; index < keys.length; index++) {
    const x = a[index];
    const y = b[index];
    if (x === y) continue;
    if (x === null || y === null) return (x === null) === keys[index].nullsFirst ? -1 : 1;
    const order = compareValues(x, y);
    if (order !== 0 && !Number.isNaN(order)) return keys[index].descending ? -order : order;
  }
  return 0;
}

function sortRows(frame: Frame, keys: readonly SortKey[], ctx: EvalContext): unknown[] {
  const compiled = compileKeys(frame, keys, ctx);
  const decorated = frame.rows.map((row, index) => {
    ctx.tick();
    return { row, index, values: compiled.map((key) => key.eval(row)) };
  });
  // Stable: equal keys keep their order.
  decorated.sort((a, b) => compareKeyed(compiled, a.values, b.values) || a.index - b.index);
  return decorated.map((entry) => entry.row);
}

/** The first `count` rows by one key without sorting them all: O(n log count). */
function topRows(frame: Frame, key: SortKey, count: number, ctx: EvalContext): unknown[] {
  if (count === 0) return [];
  const compiled = compileKeys(frame, [key], ctx);
  const get = compiled[0].eval;
  const kept: { row: unknown; values: Value[]; index: number }[] = [];
  const order = (a: { values: Value[]; index: number }, b: { values: Value[]; index: number }): number =>
    compareKeyed(compiled, a.values, b.values) || a.index - b.index;
  let index = 0;
  for (const row of frame.rows) {
    ctx.tick();
    const entry = { row, values: [get(row)], index: index++ };
    if (kept.length === count && order(entry, kept[kept.length - 1]) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (order(kept[middle], entry) <= 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, entry);
    if (kept.length > count) kept.pop();
  }
  return kept.map((entry) => entry.row);
}

function join(left: Frame, right: Frame, operator: Extract<Operator, { kind: 'join' }>, ctx: EvalContext): Frame {
  const leftScope = scopeOf(left);
  const rightScope = scopeOf(right);
  for (const key of operator.on) {
    if (!leftScope.has(key.left))
      throw ctx.error('semantic', `The left side of the join has no column "${key.left}"`, key.pos, [...leftScope.keys()]);
    if (!rightScope.has(key.right))
      throw ctx.error('semantic', `The right side of the join has no column "${key.right}"`, key.pos, [...rightScope.keys()]);
  }
  const leftKeys = operator.on.map((key) => leftScope.get(key.left)!.get);
  const rightKeys = operator.on.map((key) => rightScope.get(key.right)!.get);
  const keyOf = (getters: readonly ((row: unknown) => Value)[], row: unknown): unknown => {
    if (getters.length === 1) {
      const value = getters[0](row);
      return value === null || value === '' ? undefined : groupKey(value);
    }
    const values = getters.map((get) => get(row));
    return values.some((value) => value === null) ? undefined : JSON.stringify(values.map(groupKey));
  };
  const byKey = new Map<unknown, unknown[]>();
  for (const row of right.rows) {
    ctx.tick();
    const key = keyOf(rightKeys, row);
    if (key === undefined) continue;
    const list = byKey.get(key);
    if (list) list.push(row);
    else byKey.set(key, [row]);
  }
  const taken = new Set(left.columns.map((column) => column.name));
  const rightColumns = right.columns.map((column) => ({ ...column, name: uniqueName(column.name, taken) }));
  const rows: Value[][] = [];
  const seenLeft = new Set<unknown>();
  for (const row of left.rows) {
    ctx.tick();
    const key = keyOf(leftKeys, row);
    if (operator.joinKind === 'innerunique' && key !== undefined) {
      if (seenLeft.has(key)) continue;
      seenLeft.add(key);
    }
    const matches = key === undefined ? undefined : byKey.get(key);
    const leftValues = left.columns.map((column) => column.get(row));
    if (matches) {
      for (const match of matches) {
        ctx.tick();
        rows.push([...leftValues, ...right.columns.map((column) => column.get(match))]);
      }
      ctx.checkRows(rows.length);
    } else if (operator.joinKind === 'leftouter') {
      rows.push([...leftValues, ...right.columns.map(() => null)]);
    }
  }
  ctx.checkRows(rows.length);
  return arrayFrame([...left.columns, ...rightColumns], rows);
}

/** Columns by name in order of first appearance; a name with two types becomes dynamic. */
function union(frames: readonly Frame[], ctx: EvalContext): Frame {
  const columns: { name: string; type: ScalarType }[] = [];
  const positions = new Map<string, number>();
  for (const frame of frames) {
    for (const column of frame.columns) {
      const at = positions.get(column.name);
      if (at === undefined) {
        positions.set(column.name, columns.length);
        columns.push({ name: column.name, type: column.type });
      } else if (columns[at].type !== column.type) {
        columns[at].type = 'dynamic';
      }
    }
  }
  const rows: Value[][] = [];
  for (const frame of frames) {
    const getters = columns.map((column) => frame.columns.find((candidate) => candidate.name === column.name)?.get);
    for (const row of frame.rows) {
      ctx.tick();
      rows.push(getters.map((get) => (get ? get(row) : null)));
    }
    ctx.checkRows(rows.length);
  }
  return arrayFrame(columns, rows);
}

/** `search "term"`: rows with the term (has, case-insensitive) in any column; or a predicate. */
function search(frame: Frame, term: Expr, ctx: EvalContext): Frame {
  if (term.kind === 'literal' && typeof term.value === 'string') {
    const needle = term.value.toLowerCase();
    const columns = frame.columns.filter((column) => column.type === 'string' || column.type === 'dynamic');
    const rows: unknown[] = [];
    for (const row of frame.rows) {
      ctx.tick();
      if (columns.some((column) => hasTerm(valueToString(column.get(row), column.type).toLowerCase(), needle))) rows.push(row);
    }
    return { columns: frame.columns, rows };
  }
  const predicate = compilePredicate(term, scopeOf(frame), ctx, 'search');
  const rows: unknown[] = [];
  for (const row of frame.rows) {
    ctx.tick();
    if (predicate(row)) rows.push(row);
  }
  return { columns: frame.columns, rows };
}
