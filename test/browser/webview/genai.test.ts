/**
 * Issue 19 in the panel: a GenAI call as the Azure Monitor exporter sends it (a dependency whose
 * customDimensions hold the GenAI semantic conventions), read by the host's real extraction
 * (src/core/genai through toPanelItem), shown in the transaction details: provider, model,
 * operation, tokens, latency, finish reason and the conversation with a tool call — as text only
 * (markup in a tool result stays text). The "GenAI calls" filter; content hidden by the setting's
 * option; Korean. Screenshots: test-results/webview-genai-*.png.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { toPanelItem } from '../../../src/core/panel/panelItem';
import { TelemetryStore } from '../../../src/core/store';
import type { PanelItem } from '../../../src/shared/messages';
import { eventually } from '../../harness/eventually';
import { snapshot } from './fixtures';
import { usePanelPages } from './panelPage';

const OPERATION = '9'.repeat(32);

function envelopes(): Envelope[] {
  const base = { iKey: '11111111-2222-4333-8444-555555555555', time: '2026-12-06T19:00:00.000Z' };
  return [
    {
      ...base,
      name: 'Microsoft.ApplicationInsights.Request',
      tags: { 'ai.operation.id': OPERATION, 'ai.operation.name': 'POST /ask', 'ai.cloud.role': 'chat-api' },
      data: {
        baseType: 'RequestData',
        baseData: {
          ver: 2,
          id: '1'.repeat(16),
          name: 'POST /ask',
          duration: '00:00:01.900',
          success: true,
          responseCode: '200',
          url: 'http://localhost/ask',
        },
      },
    },
    {
      ...base,
      name: 'Microsoft.ApplicationInsights.RemoteDependency',
      tags: { 'ai.operation.id': OPERATION, 'ai.operation.parentId': '1'.repeat(16), 'ai.cloud.role': 'chat-api' },
      data: {
        baseType: 'RemoteDependencyData',
        baseData: {
          ver: 2,
          id: '2'.repeat(16),
          name: 'chat gpt-4o',
          duration: '00:00:01.640',
          success: true,
          resultCode: '0',
          type: 'GenAI | azure.ai.openai',
          target: 'myresource.openai.azure.com',
          properties: {
            'gen_ai.provider.name': 'azure.ai.openai',
            'gen_ai.operation.name': 'chat',
            'gen_ai.request.model': 'gpt-4o',
            'gen_ai.response.model': 'gpt-4o-2024-11-20',
            'gen_ai.usage.input_tokens': '57',
            'gen_ai.usage.output_tokens': '19',
            'gen_ai.response.finish_reasons': '["stop"]',
            'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a weather assistant.' }]),
            'gen_ai.input.messages': JSON.stringify([
              { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Seoul?' }] },
              { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Seoul' } }] },
              {
                role: 'tool',
                parts: [{ type: 'tool_call_response', id: 'call_1', response: '<img src=x onerror=alert(1)> 12°C, cloudy' }],
              },
            ]),
            'gen_ai.output.messages': JSON.stringify([
              { role: 'assistant', parts: [{ type: 'text', content: 'It is 12°C and cloudy in Seoul right now.' }], finish_reason: 'stop' },
            ]),
          },
        },
      },
    },
    {
      ...base,
      name: 'Microsoft.ApplicationInsights.Request',
      tags: { 'ai.operation.id': '8'.repeat(32), 'ai.operation.name': 'GET /health', 'ai.cloud.role': 'chat-api' },
      data: {
        baseType: 'RequestData',
        baseData: {
          ver: 2,
          id: '3'.repeat(16),
          name: 'GET /health',
          duration: '00:00:00.002',
          success: true,
          responseCode: '200',
          url: 'http://localhost/health',
        },
      },
    },
  ];
}

function panelItems(genAiContent = true, extra: Envelope[] = []): PanelItem[] {
  return new TelemetryStore().add([...envelopes(), ...extra]).map((item) => toPanelItem(item, { genAiContent }));
}

/** Two more calls a minute later: one more gpt-4o call and a gpt-4o-mini one (Metrics: token usage per model). */
function laterCalls(): Envelope[] {
  const dependency = (id: string, model: string, input: number, output: number): Envelope => ({
    iKey: '11111111-2222-4333-8444-555555555555',
    time: '2026-12-06T19:01:00.000Z',
    name: 'Microsoft.ApplicationInsights.RemoteDependency',
    tags: { 'ai.operation.id': id.repeat(32), 'ai.cloud.role': 'chat-api' },
    data: {
      baseType: 'RemoteDependencyData',
      baseData: {
        ver: 2,
        id: id.repeat(16),
        name: `chat ${model}`,
        duration: '00:00:00.500',
        success: true,
        resultCode: '0',
        type: 'GenAI | openai',
        target: 'api.openai.com',
        properties: {
          'gen_ai.provider.name': 'openai',
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': model,
          'gen_ai.usage.input_tokens': String(input),
          'gen_ai.usage.output_tokens': String(output),
        },
      },
    },
  });
  return [dependency('a', 'gpt-4o', 100, 30), dependency('b', 'gpt-4o-mini', 2000, 400)];
}

describe('Webview panel: a GenAI call (issue 19)', function () {
  this.timeout(60_000);
  const pages = usePanelPages();

  it('the details show provider, model, tokens, finish reason and the conversation as text; the filter keeps GenAI transactions', async () => {
    const panel = pages.panel;
    await panel.send(snapshot(panelItems()));
    await panel.page.locator('.operations-list .vlist-row', { hasText: 'POST /ask' }).click();
    await panel.page.locator('.waterfall .row', { hasText: 'chat gpt-4o' }).first().click();
    const section = panel.page.locator('.item-pane .genai-conversation');
    await eventually(async () => assert.strictEqual(await section.locator('.genai-message').count(), 5));
    const fields = await panel.page.locator('.item-pane .genai-fields').innerText();
    for (const expected of [
      /Provider\s+azure\.ai\.openai/,
      /Operation\s+chat/,
      /Model\s+gpt-4o → gpt-4o-2024-11-20/,
      /Input tokens\s+57/,
      /Output tokens\s+19/,
      /Latency\s+1\.64 s/,
      /Finish reason\s+stop/,
    ]) {
      assert.match(fields, expected);
    }
    assert.match(await section.locator('.genai-tool_call').innerText(), /Tool call get_weather \(call_1\)\s+\{"city":"Seoul"\}/);
    assert.match(await section.locator('.genai-tool_result').innerText(), /<img src=x onerror=alert\(1\)> 12°C/);
    assert.strictEqual(await panel.page.locator('.item-pane img').count(), 0, 'markup in a message stays text');
    await section.scrollIntoViewIfNeeded();
    await panel.screenshot('genai-conversation');

    const select = panel.page.locator('.transactions-view vscode-single-select[aria-label="Status"]');
    await select.click();
    await select.getByRole('option', { name: 'GenAI calls', exact: true }).click();
    await eventually(async () => assert.strictEqual(await panel.page.locator('.transactions-view .filter-count').innerText(), '1 of 2'));
  });

  it('Metrics: "GenAI token usage" shows input and output tokens per model, most tokens first, only when there are GenAI calls', async () => {
    const panel = pages.panel;
    await panel.send(snapshot(panelItems(true, laterCalls())));
    await panel.showView('metrics');
    const section = panel.view('metrics').locator('.genai-usage');
    await eventually(async () =>
      assert.deepStrictEqual(await section.locator('.genai-usage-card .metric-name').allInnerTexts(), ['gpt-4o-mini', 'gpt-4o']),
    );
    assert.match(await section.locator('h2').innerText(), /GenAI token usage/);
    const gpt4o = section.locator('.genai-usage-card[aria-label="Token usage of gpt-4o"]');
    const stats = await gpt4o.locator('.metric-stats').innerText();
    assert.match(stats, /Input tokens\s+157/);
    assert.match(stats, /Output tokens\s+49/);
    assert.match(await gpt4o.locator('.metric-subtitle').innerText(), /2 calls/);
    await gpt4o.locator('.chart canvas').waitFor();
    await panel.screenshot('genai-token-usage');

    // The name filter narrows the models too.
    await panel.view('metrics').locator('.filter-bar vscode-textfield input').fill('mini');
    await section.locator('.genai-usage-card[aria-label="Token usage of gpt-4o"]').waitFor({ state: 'detached' });
    assert.deepStrictEqual(await section.locator('.genai-usage-card .metric-name').allInnerTexts(), ['gpt-4o-mini']);

    // Without GenAI calls the section is not there.
    await panel.send(snapshot(panelItems().filter((item) => !item.genai)));
    await section.waitFor({ state: 'hidden' });
  });

  it('with content hidden, roles, tools and counts stay, and no message text reaches the page', async () => {
    const panel = pages.panel;
    await panel.send(snapshot(panelItems(false)));
    await panel.page.locator('.operations-list .vlist-row', { hasText: 'POST /ask' }).click();
    await panel.page.locator('.waterfall .row', { hasText: 'chat gpt-4o' }).first().click();
    await eventually(async () =>
      assert.match(await panel.page.locator('.item-pane .genai-hidden').innerText(), /Message content is hidden/),
    );
    const text = await panel.page.locator('.item-pane').innerText();
    assert.ok(!text.includes('Seoul'), text);
    assert.match(text, /get_weather/);
  });
});

describe('Webview panel: a GenAI call in Korean (issue 19)', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ open: { locale: 'ko' } });

  it('reads in Korean', async () => {
    const panel = pages.panel;
    await panel.send(snapshot(panelItems()));
    await panel.page.locator('.operations-list .vlist-row', { hasText: 'POST /ask' }).click();
    await panel.page.locator('.waterfall .row', { hasText: 'chat gpt-4o' }).first().click();
    await eventually(async () =>
      assert.match(await panel.page.locator('.item-pane').innerText(), /생성형 AI 호출[\s\S]*입력 토큰\s+57[\s\S]*도구 호출 get_weather/i),
    );
    await panel.screenshot('genai-conversation-ko');
    await panel.showView('metrics');
    const section = panel.view('metrics').locator('.genai-usage');
    await eventually(async () =>
      assert.match(await section.innerText(), /생성형 AI 토큰 사용량[\s\S]*gpt-4o[\s\S]*입력 토큰\s+57[\s\S]*출력 토큰\s+19/),
    );
    assert.strictEqual(await section.locator('.genai-usage-card').getAttribute('aria-label'), 'gpt-4o의 토큰 사용량');
    await panel.screenshot('genai-token-usage-ko');
  });
});
