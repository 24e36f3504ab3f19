/**
 * Issue 19 with real clients: a GenAI-shaped span built with `@opentelemetry/api` (GenAI attributes,
 * token usage, one `gen_ai.*.message` event per message) goes through the real relay, once from
 * `@azure/monitor-opentelemetry-exporter` in a child Node app (Breeze: the attributes become a
 * dependency's customDimensions, the events become traces) and once from the OTLP exporters
 * (protobuf and JSON). genAiOf of the stored items must give back what the app sent.
 */
import * as assert from 'assert';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { genAiOf } from '../../../src/core/genai/genaiCall';
import { LocalOnlySink, RelayServer } from '../../../src/core/relay';
import { TelemetryItem, TelemetryStore } from '../../../src/core/store';
import type { GenAiPeerReport } from '../../peers-fixtures/genaiPeer';
import { recordGenAiCall, type SentGenAiCall } from '../../peers-fixtures/genaiSpan';
import { peerResource, traceExporter, type Wire } from '../otlp/otlpPeers';
import { tempDir } from '../relay/helpers';
import { newRunId, runPeer } from './peerProcess';

/** The call span and its three message events, as the store holds them, read back with genAiOf. */
function assertGenAiCall(items: readonly TelemetryItem[], sent: SentGenAiCall): void {
  const span = items.find((item) => item.id === sent.spanId);
  assert.ok(span, `the GenAI span arrived: ${JSON.stringify(items.map((item) => [item.table, item.name]))}`);
  assert.strictEqual(span.table, 'dependencies');
  assert.strictEqual(span.operationId, sent.traceId);
  const call = genAiOf(span);
  assert.deepStrictEqual(
    {
      provider: call?.provider,
      operation: call?.operation,
      requestModel: call?.requestModel,
      responseModel: call?.responseModel,
      inputTokens: call?.inputTokens,
      outputTokens: call?.outputTokens,
      finishReasons: call?.finishReasons,
    },
    {
      provider: sent.provider,
      operation: 'chat',
      requestModel: sent.requestModel,
      responseModel: sent.responseModel,
      inputTokens: sent.inputTokens,
      outputTokens: sent.outputTokens,
      finishReasons: ['tool_calls'],
    },
  );

  const events = items.filter((item) => item.parentId === sent.spanId && item.table === 'traces');
  assert.strictEqual(events.length, 3, 'one trace per message event');
  const messages = events.sort((a, b) => a.time - b.time).map((item) => genAiOf(item)?.messages);
  assert.deepStrictEqual(messages, [
    [{ role: 'system', parts: [{ kind: 'text', text: sent.systemPrompt }] }],
    [{ role: 'user', parts: [{ kind: 'text', text: sent.userPrompt }] }],
    [
      {
        role: 'assistant',
        parts: [{ kind: 'tool_call', id: sent.toolCallId, name: sent.toolName, text: sent.toolArguments }],
        finishReason: 'tool_calls',
      },
    ],
  ]);
  for (const event of events) assert.strictEqual(event.operationId, sent.traceId);
  // The setting that hides content: roles and the tool call stay, no prompt text.
  const hidden = events.map((item) => genAiOf(item, { showContent: false }));
  assert.ok(!JSON.stringify(hidden).includes('Busan'), JSON.stringify(hidden));
  assert.strictEqual(hidden[2]?.messages?.[0]?.parts[0]?.name, sent.toolName);
}

describe('peers: a GenAI call from the OpenTelemetry JS SDK → relay → genAiOf (issue 19)', function () {
  this.timeout(90_000);
  let relay: RelayServer;
  let store: TelemetryStore;

  before(async () => {
    store = new TelemetryStore();
    relay = await RelayServer.start({ sink: new LocalOnlySink(), store, tlsDir: tempDir('peer-genai-tls-') });
  });
  after(() => relay.close());

  it('@azure/monitor-opentelemetry-exporter (Breeze): provider, model, tokens and messages come back', async () => {
    const report = await runPeer<GenAiPeerReport>('genaiPeer', relay, newRunId());
    const items = store.snapshot().filter((item) => item.role === report.role);
    assertGenAiCall(items, report);
    assert.strictEqual(relay.stats().itemsRejected, 0, JSON.stringify(relay.stats().rejected));
  });

  for (const wire of ['protobuf', 'json'] as Wire[]) {
    it(`@opentelemetry/exporter-trace-otlp (${wire}): provider, model, tokens and messages come back`, async () => {
      const role = `genai-otlp-${wire}-${newRunId()}`;
      const exporter = traceExporter({ endpoint: relay.otlpEndpoint, headers: { 'x-azmon-key': relay.localKey }, wire });
      const provider = new BasicTracerProvider({ resource: peerResource(role), spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const sent = recordGenAiCall(provider.getTracer('genai-otlp'), role);
      await provider.forceFlush();
      await provider.shutdown();
      assertGenAiCall(
        store.snapshot().filter((item) => item.role === `shop.${role}`),
        sent,
      );
    });
  }
});
