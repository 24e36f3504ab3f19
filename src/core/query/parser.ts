/**
 * A recursive-descent parser for the KQL subset the panel evaluates (docs/kql.md says why ours and
 * not the official one). Errors are {@link QueryError}s naming the offset and what was expected.
 * Nesting is bounded (`maxDepth`) so a hostile query cannot overflow the stack. Pure.
 */
import type { Expr, NamedExpr, Operator, Query, SortKey, Source } from './ast';
import { Token, tokenize } from './lexer';
import { QUERY_TABLES } from './schema';
import { ChartKind, DEFAULT_QUERY_LIMITS, QueryError } from './types';

export const TABULAR_OPERATORS = [
  'where',
  'project',
  'project-away',
  'project-rename',
  'extend',
  'summarize',
  'order',
  'sort',
  'take',
  'limit',
  'top',
  'distinct',
  'count',
  'join',
  'union',
  'search',
  'render',
] as const;

const COMPARISON = new Set(['==', '!=', '<>', '<', '>', '<=', '>=', '=~', '!~']);
const STRING_OPERATORS = new Set([
  'has',
  '!has',
  'contains',
  '!contains',
  'startswith',
  '!startswith',
  'endswith',
  'has_cs',
  'contains_cs',
  'startswith_cs',
  'endswith_cs',
]);
const CHARTS: readonly ChartKind[] = ['timechart', 'barchart', 'piechart'];

export interface ParseOptions {
  readonly maxDepth?: number;
  readonly maxQueryChars?: number;
}

export function parseQuery(source: string, options: ParseOptions = {}): Query {
  const maxChars = options.maxQueryChars ?? DEFAULT_QUERY_LIMITS.maxQueryChars;
  if (source.length > maxChars) {
    throw new QueryError('limit', `The query is ${source.length} characters long; at most ${maxChars} are accepted`, maxChars, source);
  }
  const parser = new Parser(source, tokenize(source), options.maxDepth ?? DEFAULT_QUERY_LIMITS.maxDepth);
  const query = parser.query();
  parser.expectEnd();
  return query;
}

/** Binary operators in one query: a left-deep chain of them nests as deep as it is long. */
const MAX_BINARY_OPERATORS = 2000;

class Parser {
  private index = 0;
  private depth = 0;
  private binaryOperators = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
    private readonly maxDepth: number,
  ) {}

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') {
      this.fail(token.text === ')' ? 'This ")" closes nothing' : `Unexpected ${describe(token)}`, token, ['|', 'end of query']);
    }
  }

  query(): Query {
    return this.nested(() => {
      const pos = this.peek().start;
      const source = this.sourceClause();
      const operators: Operator[] = [];
      while (this.acceptPunct('|')) {
        operators.push(this.operator());
      }
      return { source, operators, pos };
    });
  }

  private sourceClause(): Source {
    const token = this.peek();
    if (this.acceptWord('union')) {
      return { kind: 'union', inputs: this.unionInputs(), pos: token.start };
    }
    if (this.acceptWord('search')) {
      const tables = this.acceptWord('in') ? this.parenthesised(() => this.commaList(() => this.tableName())) : undefined;
      return { kind: 'search', tables, term: this.expr(), pos: token.start };
    }
    if (token.kind === 'ident') {
      this.index++;
      return { kind: 'table', name: token.text, pos: token.start };
    }
    this.fail(`Expected a table name, found ${describe(token)}`, token, [...QUERY_TABLES, 'union', 'search']);
  }

  private unionInputs(): Query[] {
    // Options Kusto allows before the tables; `kind=outer` is what we do anyway.
    while (this.peekWord('kind') || this.peekWord('isfuzzy')) {
      this.index++;
      this.expectPunct('=');
      this.word();
    }
    if (this.acceptPunct('*')) {
      return ['requests', 'dependencies', 'traces', 'exceptions', 'customEvents', 'customMetrics', 'availabilityResults', 'pageViews'].map(
        (name) => ({
          source: { kind: 'table', name, pos: this.previous().start },
          operators: [],
          pos: this.previous().start,
        }),
      );
    }
    return this.commaList(() => this.tabularArgument());
  }

  /** A table name or a parenthesised query (join's right side, union's inputs). */
  private tabularArgument(): Query {
    if (this.peek().text === '(' && this.peek().kind === 'punct') {
      return this.parenthesised(() => this.query());
    }
    const table = this.tableName();
    return { source: { kind: 'table', name: table.name, pos: table.pos }, operators: [], pos: table.pos };
  }

  private tableName(): { name: string; pos: number } {
    const token = this.peek();
    if (token.kind !== 'ident') {
      this.fail(`Expected a table name, found ${describe(token)}`, token, ['table name']);
    }
    this.index++;
    return { name: token.text, pos: token.start };
  }

  private operator(): Operator {
    const token = this.peek();
    const pos = token.start;
    const name = token.kind === 'ident' ? token.text : '';
    switch (name) {
      case 'where':
      case 'filter':
        this.index++;
        return { kind: 'where', predicate: this.expr(), pos };
      case 'project':
        this.index++;
        return { kind: 'project', items: this.namedList(), pos };
      case 'project-away':
        this.index++;
        return { kind: 'project-away', columns: this.commaList(() => this.columnName()), pos };
      case 'project-rename':
        this.index++;
        return {
          kind: 'project-rename',
          renames: this.commaList(() => {
            const target = this.columnName();
            this.expectPunct('=');
            return { name: target.name, from: this.columnName().name, pos: target.pos };
          }),
          pos,
        };
      case 'extend':
        this.index++;
        return { kind: 'extend', items: this.namedList(), pos };
      case 'summarize': {
        this.index++;
        const aggregates = this.peekWord('by') ? [] : this.namedList();
        const by = this.acceptWord('by') ? this.namedList() : [];
        if (aggregates.length === 0 && by.length === 0) {
          this.fail('summarize needs an aggregation or a "by" clause', this.peek(), ['count()', 'by']);
        }
        return { kind: 'summarize', aggregates, by, pos };
      }
      case 'order':
      case 'sort':
        this.index++;
        this.expectWord('by');
        return { kind: 'sort', keys: this.commaList(() => this.sortKey()), pos };
      case 'take':
      case 'limit':
        this.index++;
        return { kind: 'take', count: this.count(), pos };
      case 'top': {
        this.index++;
        const count = this.count();
        this.expectWord('by');
        return { kind: 'top', count, key: this.sortKey(), pos };
      }
      case 'distinct':
        this.index++;
        if (this.acceptPunct('*')) return { kind: 'distinct', items: [], all: true, pos };
        return { kind: 'distinct', items: this.namedList(), all: false, pos };
      case 'count':
        this.index++;
        return { kind: 'count', pos };
      case 'join':
        this.index++;
        return this.join(pos);
      case 'union':
        this.index++;
        return { kind: 'union', inputs: this.unionInputs(), pos };
      case 'search':
        this.index++;
        return { kind: 'search', term: this.expr(), pos };
      case 'render':
        this.index++;
        return this.render(pos);
      default:
        this.fail(`Expected a tabular operator after "|", found ${describe(token)}`, token, [...TABULAR_OPERATORS]);
    }
  }

  private join(pos: number): Operator {
    let joinKind: 'inner' | 'innerunique' | 'leftouter' = 'innerunique';
    if (this.acceptWord('kind')) {
      this.expectPunct('=');
      const kindToken = this.peek();
      const kind = this.word();
      if (kind !== 'inner' && kind !== 'innerunique' && kind !== 'leftouter') {
        this.fail(`join kind "${kind}" is not supported here`, kindToken, ['inner', 'innerunique', 'leftouter']);
      }
      joinKind = kind;
    }
    const right = this.tabularArgument();
    this.expectWord('on');
    const on = this.commaList(() => {
      const start = this.peek();
      if (start.kind === 'ident' && start.text === '$left') {
        this.index++;
        this.expectPunct('.');
        const left = this.columnName().name;
        this.expectPunct('==');
        const side = this.peek();
        if (side.text !== '$right') this.fail(`Expected $right, found ${describe(side)}`, side, ['$right']);
        this.index++;
        this.expectPunct('.');
        return { left, right: this.columnName().name, pos: start.start };
      }
      const column = this.columnName();
      return { left: column.name, right: column.name, pos: column.pos };
    });
    return { kind: 'join', joinKind, right, on, pos };
  }

  private render(pos: number): Operator {
    const token = this.peek();
    const chart = this.word();
    if (!(CHARTS as readonly string[]).includes(chart)) {
      this.fail(`Chart "${chart}" is not supported here`, token, [...CHARTS]);
    }
    let title: string | undefined;
    if (this.acceptWord('with')) {
      this.parenthesised(() =>
        this.commaList(() => {
          const property = this.word();
          this.expectPunct('=');
          const value = this.primary();
          if (property === 'title' && value.kind === 'literal' && typeof value.value === 'string') title = value.value;
          return property;
        }),
      );
    }
    return { kind: 'render', chart: chart as ChartKind, title, pos };
  }

  private count(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !Number.isInteger(token.value) || (token.value as number) < 0) {
      this.fail(`Expected a whole number of rows, found ${describe(token)}`, token, ['number']);
    }
    this.index++;
    return token.value as number;
  }

  private sortKey(): SortKey {
    const expr = this.expr();
    let descending = true;
    if (this.acceptWord('asc')) descending = false;
    else this.acceptWord('desc');
    let nullsFirst = !descending;
    if (this.acceptWord('nulls')) {
      const token = this.peek();
      const which = this.word();
      if (which !== 'first' && which !== 'last') this.fail(`Expected first or last, found ${describe(token)}`, token, ['first', 'last']);
      nullsFirst = which === 'first';
    }
    return { expr, descending, nullsFirst };
  }

  private namedList(): NamedExpr[] {
    return this.commaList(() => {
      const token = this.peek();
      const next = this.tokens[this.index + 1];
      if (token.kind === 'ident' && next.kind === 'punct' && next.text === '=') {
        this.index += 2;
        return { name: token.text, expr: this.expr(), pos: token.start };
      }
      return { expr: this.expr(), pos: token.start };
    });
  }

  private columnName(): { name: string; pos: number } {
    const token = this.peek();
    if (token.kind === 'ident') {
      this.index++;
      return { name: token.text, pos: token.start };
    }
    if (token.kind === 'punct' && token.text === '[') {
      this.index++;
      const inner = this.peek();
      if (inner.kind !== 'string') this.fail(`Expected a quoted column name, found ${describe(inner)}`, inner, ['string']);
      this.index++;
      this.expectPunct(']');
      return { name: inner.value as string, pos: token.start };
    }
    this.fail(`Expected a column name, found ${describe(token)}`, token, ['column name']);
  }

  // ---- expressions, lowest precedence first ----

  expr(): Expr {
    return this.nested(() => this.or());
  }

  private or(): Expr {
    let left = this.and();
    while (this.peekWord('or')) {
      const pos = this.next().start;
      left = this.binary('or', left, () => this.and(), pos);
    }
    return left;
  }

  private and(): Expr {
    let left = this.comparison();
    while (this.peekWord('and')) {
      const pos = this.next().start;
      left = this.binary('and', left, () => this.comparison(), pos);
    }
    return left;
  }

  private comparison(): Expr {
    const left = this.additive();
    const token = this.peek();
    if (token.kind === 'punct' && COMPARISON.has(token.text)) {
      this.index++;
      return { kind: 'binary', op: token.text === '<>' ? '!=' : token.text, left, right: this.additive(), pos: token.start };
    }
    if (STRING_OPERATORS.has(token.text) && (token.kind === 'ident' || token.kind === 'punct')) {
      this.index++;
      return { kind: 'binary', op: token.text, left, right: this.additive(), pos: token.start };
    }
    if (token.text === 'in' || token.text === 'in~' || token.text === '!in' || token.text === '!in~') {
      this.index++;
      const list = this.parenthesised(() => this.commaList(() => this.expr()));
      return { kind: 'in', op: token.text, left, list, pos: token.start };
    }
    if (token.kind === 'ident' && token.text === 'matches') {
      this.index++;
      this.expectWord('regex');
      return { kind: 'binary', op: 'matches regex', left, right: this.additive(), pos: token.start };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct' || (token.text !== '+' && token.text !== '-')) return left;
      this.index++;
      left = this.binary(token.text, left, () => this.multiplicative(), token.start);
    }
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'punct' || (token.text !== '*' && token.text !== '/' && token.text !== '%')) return left;
      this.index++;
      left = this.binary(token.text, left, () => this.unary(), token.start);
    }
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === 'punct' && token.text === '-') {
      this.index++;
      return this.nested(() => ({ kind: 'negate', operand: this.unary(), pos: token.start }));
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let expr = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'punct' && token.text === '.') {
        this.index++;
        const key = this.peek();
        if (key.kind !== 'ident') this.fail(`Expected a property name after ".", found ${describe(key)}`, key, ['property name']);
        this.index++;
        expr = { kind: 'member', object: expr, key: key.text, pos: key.start };
      } else if (token.kind === 'punct' && token.text === '[') {
        this.index++;
        const key = this.peek();
        if (key.kind !== 'string' && key.kind !== 'number')
          this.fail(`Expected a quoted property name or an index, found ${describe(key)}`, key, ['string', 'number']);
        this.index++;
        this.expectPunct(']');
        expr = { kind: 'member', object: expr, key: key.value as string | number, pos: key.start };
      } else {
        return expr;
      }
    }
  }

  private primary(): Expr {
    const token = this.peek();
    const pos = token.start;
    switch (token.kind) {
      case 'number':
        this.index++;
        return {
          kind: 'literal',
          type: token.text.includes('.') || /e/i.test(token.text) ? 'real' : 'long',
          value: token.value as number,
          pos,
        };
      case 'timespan':
        this.index++;
        return { kind: 'literal', type: 'timespan', value: token.value as number, pos };
      case 'string':
        this.index++;
        return { kind: 'literal', type: 'string', value: token.value as string, pos };
      case 'datetime': {
        this.index++;
        const ms = parseDatetimeText(token.value as string);
        if (ms === undefined) this.fail(`"${token.value as string}" is not a date and time`, token, ['2024-01-31T10:00:00Z']);
        return { kind: 'literal', type: 'datetime', value: ms, pos };
      }
      case 'punct':
        if (token.text === '(') {
          return this.parenthesised(() => this.expr());
        }
        break;
      case 'ident': {
        this.index++;
        if (token.text === 'true' || token.text === 'false') return { kind: 'literal', type: 'bool', value: token.text === 'true', pos };
        if (token.text === 'null') return { kind: 'literal', type: 'null', value: null, pos };
        if (this.peek().kind === 'punct' && this.peek().text === '(') {
          return this.call(token);
        }
        return { kind: 'column', name: token.text, pos };
      }
      default:
        break;
    }
    this.fail(`Expected a value, a column or a function call, found ${describe(token)}`, token, ['column', 'literal', 'function']);
  }

  private call(name: Token): Expr {
    return this.parenthesised(() => {
      const args: Expr[] = [];
      let star = false;
      if (this.peek().kind === 'punct' && this.peek().text === ')') return { kind: 'call', name: name.text, args, star, pos: name.start };
      do {
        if (this.peek().kind === 'punct' && this.peek().text === '*') {
          this.index++;
          star = true;
        } else {
          args.push(this.expr());
        }
      } while (this.acceptPunct(','));
      return { kind: 'call', name: name.text, args, star, pos: name.start };
    });
  }

  // ---- helpers ----

  private binary(op: string, left: Expr, right: () => Expr, pos: number): Expr {
    if (++this.binaryOperators > MAX_BINARY_OPERATORS) {
      this.fail(`The query has more than ${MAX_BINARY_OPERATORS} operators`, this.peek(), [], 'limit');
    }
    return { kind: 'binary', op, left, right: right(), pos };
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > this.maxDepth) {
      this.fail(`The query nests deeper than ${this.maxDepth} levels`, this.peek(), [], 'limit');
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private parenthesised<T>(parse: () => T): T {
    this.expectPunct('(');
    const value = this.nested(parse);
    this.expectPunct(')');
    return value;
  }

  private commaList<T>(parse: () => T): T[] {
    const items = [parse()];
    while (this.acceptPunct(',')) items.push(parse());
    return items;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private previous(): Token {
    return this.tokens[Math.max(0, this.index - 1)];
  }

  private next(): Token {
    return this.tokens[this.index++];
  }

  private peekWord(word: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.text === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.peekWord(word)) return false;
    this.index++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`Expected "${word}", found ${describe(this.peek())}`, this.peek(), [word]);
  }

  private word(): string {
    const token = this.peek();
    if (token.kind !== 'ident') this.fail(`Expected a name, found ${describe(token)}`, token, ['name']);
    this.index++;
    return token.text;
  }

  private acceptPunct(text: string): boolean {
    const token = this.peek();
    if (token.kind !== 'punct' || token.text !== text) return false;
    this.index++;
    return true;
  }

  private expectPunct(text: string): void {
    if (!this.acceptPunct(text)) this.fail(`Expected "${text}", found ${describe(this.peek())}`, this.peek(), [text]);
  }

  private fail(message: string, token: Token, expected: readonly string[], kind: 'syntax' | 'limit' = 'syntax'): never {
    throw new QueryError(kind, message, token.start, this.source, expected);
  }
}

function describe(token: Token): string {
  return token.kind === 'eof' ? 'the end of the query' : `"${token.text.length > 40 ? `${token.text.slice(0, 40)}…` : token.text}"`;
}

/** ISO 8601 (with or without time or zone; no zone means UTC, as in Kusto). */
export function parseDatetimeText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) return undefined;
  const normalised = trimmed.replace(' ', 'T');
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(normalised)
    ? normalised
    : /T/.test(normalised)
      ? `${normalised}Z`
      : `${normalised}T00:00:00Z`;
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : ms;
}
