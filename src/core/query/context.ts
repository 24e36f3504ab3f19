/** What one evaluation carries: the clock, the limits, the budgets spent so far. Pure. */
import { QueryError, QueryLimits } from './types';

export class EvalContext {
  /** `now()` is fixed for the whole query, as in Kusto. */
  readonly now: number;
  private readonly deadline: number;
  private ticks = 0;
  private builtChars = 0;
  /** Offset of the operator being evaluated, for limit errors. */
  position = 0;

  constructor(
    readonly source: string,
    readonly limits: QueryLimits,
    now: number,
  ) {
    this.now = now;
    this.deadline = Date.now() + limits.timeBudgetMs;
  }

  /** Called once per row visited; reads the clock every 1,024 calls. */
  tick(): void {
    if ((++this.ticks & 1023) === 0 && Date.now() > this.deadline) {
      throw new QueryError(
        'timeout',
        `The query ran longer than ${this.limits.timeBudgetMs / 1000} s and was stopped; narrow it with where or take`,
        this.position,
        this.source,
      );
    }
  }

  /** Counts characters of strings the query builds (strcat, tostring, make_list). */
  charge(chars: number): void {
    this.builtChars += chars;
    if (this.builtChars > this.limits.maxBuiltChars) {
      throw new QueryError(
        'limit',
        `The query built more than ${this.limits.maxBuiltChars} characters of text`,
        this.position,
        this.source,
      );
    }
  }

  /** A step's output size, against maxIntermediateRows. */
  checkRows(count: number): void {
    if (count > this.limits.maxIntermediateRows) {
      throw new QueryError(
        'limit',
        `A step of this query produced more than ${this.limits.maxIntermediateRows} rows`,
        this.position,
        this.source,
      );
    }
  }

  error(kind: 'semantic' | 'limit', message: string, position: number, expected: readonly string[] = []): QueryError {
    return new QueryError(kind, message, position, this.source, expected);
  }
}
