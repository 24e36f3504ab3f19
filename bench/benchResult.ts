/**
 * The contract between `bench/run.ts` and every `bench/*.bench.ts` module: a module exports
 * `run(): Promise<BenchResult[]>`, and the runner prints each result as one JSON line.
 * `ours` and `baseline` are measured in the same run on the same machine; `ratio` is ours/baseline.
 */
export interface BenchResult {
  /** Stable id, e.g. `relay-ingest-gzip`. */
  readonly name: string;
  readonly ours: number;
  readonly baseline: number;
  /** ours / baseline. */
  readonly ratio: number;
  /** Unit of `ours` and `baseline`, e.g. `items/s`, `MiB`. */
  readonly unit: string;
  /** Target for `ratio`: at least this when `better` is `higher` (default), at most when `lower`. */
  readonly goal?: number;
  readonly better?: 'higher' | 'lower';
  /** Whether `ratio` meets `goal` (present when a goal is). */
  readonly met?: boolean;
  /** Anything else worth printing (counts, settings). */
  readonly [extra: string]: unknown;
}

export interface Figures {
  readonly name: string;
  readonly ours: number;
  readonly baseline: number;
  readonly unit: string;
  readonly goal?: number;
  readonly better?: 'higher' | 'lower';
}

/** Builds a result with ratio and `met` filled in; `extra` fields are printed after the figures. */
export function result(figures: Figures, extra: Record<string, unknown> = {}): BenchResult {
  const ratio = figures.baseline > 0 ? round(figures.ours / figures.baseline, 3) : 0;
  const goal = figures.goal;
  const met = goal === undefined ? undefined : figures.better === 'lower' ? ratio <= goal : ratio >= goal;
  return {
    ...figures,
    ours: round(figures.ours, 2),
    baseline: round(figures.baseline, 2),
    ratio,
    ...(met === undefined ? {} : { met }),
    ...extra,
  };
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
