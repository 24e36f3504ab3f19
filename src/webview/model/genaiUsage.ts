/**
 * GenAI token usage per model over time (issue 19), for the Metrics view: every GenAI call span
 * with token counts (src/core/genai found them on the host) is kept as one small record, and the
 * view asks for per-model series bucketed so a chart has at most a hundred-odd points. Bounded by
 * call count and by model count: model names are the app's (untrusted) text.
 */
import type { PanelItem } from '../../shared/messages';
import { isSpanTable } from './correlation';

const MAX_CALLS = 20_000;
const MAX_MODELS = 30;
const MAX_BUCKETS = 120;
/** Bucket widths in seconds, the smallest that keeps a series under MAX_BUCKETS is used. */
const BUCKET_STEPS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 21_600, 86_400];
/** Calls of models past MAX_MODELS are summed under this key (the view names it). */
export const OTHER_MODELS = '\u0000other';
const UNKNOWN_MODEL = '?';

interface TokenCall {
  readonly seq: number;
  /** Epoch seconds. */
  readonly time: number;
  readonly input: number;
  readonly output: number;
}

export interface ModelTokenSeries {
  /** The request model (else the response model); OTHER_MODELS for the overflow. */
  readonly model: string;
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Bucket starts, epoch seconds, ascending (uPlot's x unit). */
  readonly times: number[];
  readonly input: number[];
  readonly output: number[];
}

export class GenAiTokenUsage {
  private readonly byModel = new Map<string, TokenCall[]>();
  private callCount = 0;
  revision = 0;

  get calls(): number {
    return this.callCount;
  }

  add(item: PanelItem): void {
    const genai = item.genai;
    if (!genai || !isSpanTable(item.table)) return;
    const input = tokens(genai.inputTokens);
    const output = tokens(genai.outputTokens);
    if (input === undefined && output === undefined) return;
    const named =
      typeof genai.requestModel === 'string' && genai.requestModel !== ''
        ? genai.requestModel
        : typeof genai.responseModel === 'string' && genai.responseModel !== ''
          ? genai.responseModel
          : UNKNOWN_MODEL;
    const model = this.byModel.has(named) || this.byModel.size < MAX_MODELS ? named : OTHER_MODELS;
    let calls = this.byModel.get(model);
    if (!calls) this.byModel.set(model, (calls = []));
    calls.push({ seq: item.seq, time: item.time / 1000, input: input ?? 0, output: output ?? 0 });
    this.callCount++;
    if (this.callCount > MAX_CALLS) this.dropOldest();
    this.revision++;
  }

  remove(items: readonly PanelItem[]): void {
    const seqs = new Set(items.filter((item) => item.genai).map((item) => item.seq));
    if (seqs.size === 0) return;
    for (const [model, calls] of this.byModel) {
      const kept = calls.filter((call) => !seqs.has(call.seq));
      this.callCount -= calls.length - kept.length;
      if (kept.length === 0) this.byModel.delete(model);
      else this.byModel.set(model, kept);
    }
    this.revision++;
  }

  clear(): void {
    this.byModel.clear();
    this.callCount = 0;
    this.revision++;
  }

  /** One series per model, most tokens first, all on the same buckets so the charts line up. */
  series(): ModelTokenSeries[] {
    let first = Infinity;
    let last = -Infinity;
    for (const calls of this.byModel.values()) {
      for (const call of calls) {
        first = Math.min(first, call.time);
        last = Math.max(last, call.time);
      }
    }
    if (first === Infinity) return [];
    const step = BUCKET_STEPS.find((seconds) => (last - first) / seconds < MAX_BUCKETS) ?? BUCKET_STEPS[BUCKET_STEPS.length - 1]!;
    const start = Math.floor(first / step) * step;
    const result: ModelTokenSeries[] = [];
    for (const [model, calls] of this.byModel) {
      const input = new Map<number, number>();
      const output = new Map<number, number>();
      let inputTokens = 0;
      let outputTokens = 0;
      for (const call of calls) {
        const bucket = start + Math.floor((call.time - start) / step) * step;
        input.set(bucket, (input.get(bucket) ?? 0) + call.input);
        output.set(bucket, (output.get(bucket) ?? 0) + call.output);
        inputTokens += call.input;
        outputTokens += call.output;
      }
      const times = [...input.keys()].sort((a, b) => a - b);
      result.push({
        model,
        calls: calls.length,
        inputTokens,
        outputTokens,
        times,
        input: times.map((time) => input.get(time)!),
        output: times.map((time) => output.get(time)!),
      });
    }
    return result.sort((a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || a.model.localeCompare(b.model));
  }

  /** Past MAX_CALLS the earliest-arrived call of the model whose first call is oldest goes: O(models), not O(calls). */
  private dropOldest(): void {
    let oldestModel: string | undefined;
    let oldestTime = Infinity;
    for (const [model, calls] of this.byModel) {
      if (calls[0]!.time < oldestTime) [oldestModel, oldestTime] = [model, calls[0]!.time];
    }
    if (oldestModel === undefined) return;
    const calls = this.byModel.get(oldestModel)!;
    calls.shift();
    if (calls.length === 0) this.byModel.delete(oldestModel);
    this.callCount--;
  }
}

/** Token counts are the app's numbers: only finite, non-negative ones count. */
function tokens(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
