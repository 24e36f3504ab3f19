/**
 * Issue 19: GenAI calls read from the semantic conventions in store items — a dependency's
 * customDimensions (the Azure Monitor exporter's Breeze shape) with the JSON message attributes,
 * and the older one-event-per-message shape — bounded, and with content hidden on request.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { GENAI_LIMITS, genAiOf, isGenAiItem } from '../../../src/core/genai/genaiCall';
import { toPanelItem } from '../../../src/core/panel/panelItem';
import { TelemetryStore } from '../../../src/core/store';
import type { TelemetryItem } from '../../../src/core/store';

const INPUT = JSON.stringify([
  { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Seoul?' }] },
  { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Seoul' } }] },
  { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '<b>12°C</b>, cloudy' }] },
]);
const OUTPUT = JSON.stringify([
  { role: 'assistant', parts: [{ type: 'text', content: 'It is 12°C and cloudy in Seoul.' }], finish_reason: 'stop' },
]);

function dependency(properties: Record<string, string>): TelemetryItem {
  const envelope: Envelope = {
    name: 'Microsoft.ApplicationInsights.RemoteDependency',
    time: '2026-12-06T19:00:00.000Z',
    iKey: '11111111-2222-4333-8444-555555555555',
    tags: { 'ai.operation.id': 'a'.repeat(32) },
    data: {
      baseType: 'RemoteDependencyData',
      baseData: {
        ver: 2,
        id: 'b'.repeat(16),
        name: 'chat gpt-4o',
        duration: '00:00:01.250',
        success: true,
        resultCode: '0',
        type: 'GenAI',
        properties,
      },
    },
  };
  return new TelemetryStore().add([envelope])[0]!;
}

function event(name: string, properties: Record<string, string>): TelemetryItem {
  const envelope: Envelope = {
    name: 'Microsoft.ApplicationInsights.Message',
    time: '2026-12-06T19:00:00.000Z',
    iKey: '11111111-2222-4333-8444-555555555555',
    tags: { 'ai.operation.id': 'a'.repeat(32), 'ai.operation.parentId': 'b'.repeat(16) },
    data: { baseType: 'MessageData', baseData: { ver: 2, message: name, severityLevel: 1, properties } },
  };
  return new TelemetryStore().add([envelope])[0]!;
}

describe('GenAI calls from semantic-convention attributes (issue 19)', () => {
  const attributes = {
    'gen_ai.provider.name': 'azure.ai.openai',
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.response.model': 'gpt-4o-2024-11-20',
    'gen_ai.usage.input_tokens': '57',
    'gen_ai.usage.output_tokens': '19',
    'gen_ai.response.finish_reasons': '["stop"]',
    'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a weather bot.' }]),
    'gen_ai.input.messages': INPUT,
    'gen_ai.output.messages': OUTPUT,
  };

  it('a Breeze dependency: provider, model, operation, tokens, finish reason and the conversation with tool calls', () => {
    const genai = genAiOf(dependency(attributes))!;
    assert.strictEqual(genai.provider, 'azure.ai.openai');
    assert.strictEqual(genai.operation, 'chat');
    assert.strictEqual(genai.requestModel, 'gpt-4o');
    assert.strictEqual(genai.responseModel, 'gpt-4o-2024-11-20');
    assert.strictEqual(genai.inputTokens, 57);
    assert.strictEqual(genai.outputTokens, 19);
    assert.deepStrictEqual(genai.finishReasons, ['stop']);
    assert.deepStrictEqual(
      genai.messages?.map((message) => [message.role, message.parts.map((part) => [part.kind, part.name ?? '', part.text ?? ''])]),
      [
        ['system', [['text', '', 'You are a weather bot.']]],
        ['user', [['text', '', 'What is the weather in Seoul?']]],
        ['assistant', [['tool_call', 'get_weather', '{"city":"Seoul"}']]],
        ['tool', [['tool_result', '', '<b>12°C</b>, cloudy']]],
        ['assistant', [['text', '', 'It is 12°C and cloudy in Seoul.']]],
      ],
    );
    assert.strictEqual(genai.messages?.[4]?.finishReason, 'stop');
  });

  it('the older system attribute and a Python tuple of finish reasons', () => {
    const genai = genAiOf(
      dependency({
        'gen_ai.system': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.response.finish_reasons': "('stop', 'length')",
      }),
    )!;
    assert.strictEqual(genai.provider, 'openai');
    assert.deepStrictEqual(genai.finishReasons, ['stop', 'length']);
    assert.strictEqual(genai.messages, undefined);
  });

  it('a message event (gen_ai.user.message / gen_ai.choice) is one message of the conversation, tool calls with arguments', () => {
    const user = genAiOf(event('gen_ai.user.message', { 'gen_ai.system': 'openai', content: 'Hello' }))!;
    assert.deepStrictEqual(user.messages, [{ role: 'user', parts: [{ kind: 'text', text: 'Hello' }] }]);
    const choice = genAiOf(
      event('gen_ai.choice', {
        'gen_ai.event.content': JSON.stringify({
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
          },
        }),
      }),
    )!;
    assert.deepStrictEqual(choice.messages, [
      { role: 'assistant', parts: [{ kind: 'tool_call', id: 'c1', name: 'lookup', text: '{"q":"x"}' }], finishReason: 'tool_calls' },
    ]);
  });

  it('content hidden on request: roles, tools and counts stay, no text at all', () => {
    const genai = genAiOf(dependency(attributes), { showContent: false })!;
    assert.strictEqual(genai.contentHidden, true);
    assert.ok(genai.messages!.every((message) => message.parts.every((part) => part.text === undefined)));
    assert.ok(!JSON.stringify(genai).includes('Seoul'));
    assert.strictEqual(genai.messages![2]!.parts[0]!.name, 'get_weather');
  });

  it('not GenAI: a plain dependency; hostile JSON is ignored, counts are bounded', () => {
    assert.strictEqual(genAiOf(dependency({ 'db.system': 'postgresql' })), undefined);
    assert.ok(!isGenAiItem(event('gen_ai.unknown', {})));
    const broken = genAiOf(
      dependency({
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': '[{"role": "user", "parts": [',
        'gen_ai.usage.input_tokens': '-3',
      }),
    )!;
    assert.strictEqual(broken.messages, undefined);
    assert.strictEqual(broken.inputTokens, undefined);
    const many = JSON.stringify(Array.from({ length: 1000 }, () => ({ role: 'user', parts: [{ type: 'text', content: 'x' }] })));
    // The store cuts each property to Azure's 8,192 characters first: what is left parses or not, never more than the limits.
    const item = dependency({ 'gen_ai.operation.name': 'chat' });
    const bounded = genAiOf({ ...item, properties: { ...item.properties, 'gen_ai.input.messages': many } })!;
    assert.strictEqual(bounded.messages?.length, GENAI_LIMITS.messages);
  });

  it('reaches the panel item', () => {
    const panelItem = toPanelItem(dependency(attributes));
    assert.strictEqual(panelItem.genai?.requestModel, 'gpt-4o');
  });
});
