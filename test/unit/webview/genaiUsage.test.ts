/**
 * Issue 19: GenAI token usage per model over time (the Metrics view's data): calls with token
 * counts grouped by model, summed per time bucket on buckets shared by every model, evicted items
 * leave, and hostile input (negative or non-numeric tokens, endless model names) stays bounded.
 */
import * as assert from 'assert';
import type { PanelGenAi, PanelItem } from '../../../src/shared/messages';
import { loadWebviewModule } from './webviewModule';

interface Series {
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  times: number[];
  input: number[];
  output: number[];
}
interface Usage {
  calls: number;
  add(item: PanelItem): void;
  remove(items: readonly PanelItem[]): void;
  series(): Series[];
}
const usageModule = loadWebviewModule<{ GenAiTokenUsage: new () => Usage; OTHER_MODELS: string }>('src/webview/model/genaiUsage.ts');

const START = 1_700_000_000; // a whole minute
function call(seq: number, seconds: number, genai: PanelGenAi, table: PanelItem['table'] = 'dependencies'): PanelItem {
  return { seq, table, time: (START + seconds) * 1000, genai };
}

describe('webview: GenAI token usage per model (issue 19)', () => {
  it('sums input and output tokens per model and second, most tokens first, on shared buckets', () => {
    const usage = new usageModule.GenAiTokenUsage();
    usage.add(call(1, 0, { requestModel: 'gpt-4o', inputTokens: 57, outputTokens: 19 }));
    usage.add(call(2, 0.5, { requestModel: 'gpt-4o', inputTokens: 3, outputTokens: 1 }));
    usage.add(call(3, 2, { requestModel: 'gpt-4o-mini', responseModel: 'gpt-4o-mini-2024', inputTokens: 1000, outputTokens: 200 }));
    usage.add(call(4, 3, { responseModel: 'phi-4', outputTokens: 5 }));
    const series = usage.series();
    assert.deepStrictEqual(
      series.map((one) => [one.model, one.calls, one.inputTokens, one.outputTokens]),
      [
        ['gpt-4o-mini', 1, 1000, 200],
        ['gpt-4o', 2, 60, 20],
        ['phi-4', 1, 0, 5],
      ],
    );
    const gpt4o = series.find((one) => one.model === 'gpt-4o')!;
    assert.deepStrictEqual([gpt4o.times, gpt4o.input, gpt4o.output], [[START], [60], [20]]);
    assert.deepStrictEqual(series[0]!.times, [START + 2]);
  });

  it('counts only call spans with token numbers: events, missing or hostile counts do not', () => {
    const usage = new usageModule.GenAiTokenUsage();
    usage.add(call(1, 0, { requestModel: 'a', inputTokens: 5 }, 'traces'));
    usage.add(call(2, 0, { requestModel: 'a' }));
    usage.add(call(3, 0, { requestModel: 'a', inputTokens: -4, outputTokens: Number.NaN }));
    usage.add(call(4, 0, { requestModel: 'a', inputTokens: '9' as unknown as number }));
    assert.deepStrictEqual(usage.series(), []);
    assert.strictEqual(usage.calls, 0);
  });

  it('a long run gets wider buckets (at most ~120 points per chart)', () => {
    const usage = new usageModule.GenAiTokenUsage();
    for (let index = 0; index < 600; index++) usage.add(call(index, index * 10, { requestModel: 'm', inputTokens: 1, outputTokens: 2 }));
    const [series] = usage.series();
    assert.ok(series!.times.length <= 120, String(series!.times.length));
    assert.strictEqual(series!.times[1]! - series!.times[0]!, 60);
    assert.strictEqual(
      series!.input.reduce((sum, value) => sum + value, 0),
      600,
    );
    assert.strictEqual(
      series!.output.reduce((sum, value) => sum + value, 0),
      1200,
    );
  });

  it('evicted calls leave the totals; a model without calls leaves the list', () => {
    const usage = new usageModule.GenAiTokenUsage();
    const first = call(1, 0, { requestModel: 'a', inputTokens: 5 });
    usage.add(first);
    usage.add(call(2, 1, { requestModel: 'b', inputTokens: 7 }));
    usage.remove([first]);
    assert.deepStrictEqual(
      usage.series().map((one) => [one.model, one.inputTokens]),
      [['b', 7]],
    );
    assert.strictEqual(usage.calls, 1);
  });

  it('an app inventing model names gets a bounded list: the rest sum under "other models"', () => {
    const usage = new usageModule.GenAiTokenUsage();
    for (let index = 0; index < 1000; index++) usage.add(call(index, 0, { requestModel: `model-${index}`, inputTokens: 1 }));
    const series = usage.series();
    assert.ok(series.length <= 31, String(series.length));
    const other = series.find((one) => one.model === usageModule.OTHER_MODELS)!;
    assert.strictEqual(
      series.reduce((sum, one) => sum + one.inputTokens, 0),
      1000,
    );
    assert.ok(other.calls > 900);
  });
});
