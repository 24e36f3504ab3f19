/** The syntax tree of the KQL subset (see parser.ts). Every node keeps its source offset. Pure. */
import type { ChartKind } from './types';

export type Expr =
  | {
      readonly kind: 'literal';
      readonly type: 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'null';
      readonly value: string | number | boolean | null;
      readonly pos: number;
    }
  | { readonly kind: 'column'; readonly name: string; readonly pos: number }
  | { readonly kind: 'member'; readonly object: Expr; readonly key: string | number; readonly pos: number }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[]; readonly star: boolean; readonly pos: number }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly pos: number }
  | { readonly kind: 'negate'; readonly operand: Expr; readonly pos: number }
  | {
      readonly kind: 'in';
      readonly op: 'in' | '!in' | 'in~' | '!in~';
      readonly left: Expr;
      readonly list: readonly Expr[];
      readonly pos: number;
    };

/** `name = expr` or a bare `expr` (named after it). */
export interface NamedExpr {
  readonly name?: string;
  readonly expr: Expr;
  readonly pos: number;
}

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export type Source =
  | { readonly kind: 'table'; readonly name: string; readonly pos: number }
  | { readonly kind: 'union'; readonly inputs: readonly Query[]; readonly pos: number }
  | {
      readonly kind: 'search';
      readonly tables?: readonly { readonly name: string; readonly pos: number }[];
      readonly term: Expr;
      readonly pos: number;
    };

export type Operator =
  | { readonly kind: 'where'; readonly predicate: Expr; readonly pos: number }
  | { readonly kind: 'project'; readonly items: readonly NamedExpr[]; readonly pos: number }
  | { readonly kind: 'project-away'; readonly columns: readonly { readonly name: string; readonly pos: number }[]; readonly pos: number }
  | {
      readonly kind: 'project-rename';
      readonly renames: readonly { readonly name: string; readonly from: string; readonly pos: number }[];
      readonly pos: number;
    }
  | { readonly kind: 'extend'; readonly items: readonly NamedExpr[]; readonly pos: number }
  | { readonly kind: 'summarize'; readonly aggregates: readonly NamedExpr[]; readonly by: readonly NamedExpr[]; readonly pos: number }
  | { readonly kind: 'sort'; readonly keys: readonly SortKey[]; readonly pos: number }
  | { readonly kind: 'take'; readonly count: number; readonly pos: number }
  | { readonly kind: 'top'; readonly count: number; readonly key: SortKey; readonly pos: number }
  | { readonly kind: 'distinct'; readonly items: readonly NamedExpr[]; readonly all: boolean; readonly pos: number }
  | { readonly kind: 'count'; readonly pos: number }
  | {
      readonly kind: 'join';
      readonly joinKind: 'inner' | 'innerunique' | 'leftouter';
      readonly right: Query;
      readonly on: readonly { readonly left: string; readonly right: string; readonly pos: number }[];
      readonly pos: number;
    }
  | { readonly kind: 'union'; readonly inputs: readonly Query[]; readonly pos: number }
  | { readonly kind: 'search'; readonly term: Expr; readonly pos: number }
  | { readonly kind: 'render'; readonly chart: ChartKind; readonly title?: string; readonly pos: number };

export interface Query {
  readonly source: Source;
  readonly operators: readonly Operator[];
  readonly pos: number;
}
