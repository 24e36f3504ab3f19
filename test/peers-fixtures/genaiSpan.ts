/**
 * One GenAI chat call as an OpenAI instrumentation records it with `@opentelemetry/api`: a client
 * span with the GenAI semantic conventions (`gen_ai.system`, models, token usage, finish reasons)
 * and one span event per message (`gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.choice`
 * with a tool call), content as `gen_ai.event.content` JSON. Shared by the GenAI peer tests: the
 * Azure Monitor exporter peer (a child process) and the OTLP exporters (in the test process).
 */
import { SpanKind, type Tracer } from '@opentelemetry/api';

export interface SentGenAiCall {
  readonly traceId: string;
  readonly spanId: string;
  readonly provider: string;
  readonly requestModel: string;
  readonly responseModel: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly systemPrompt: string;
  readonly userPrompt: string;
  readonly toolName: string;
  readonly toolCallId: string;
  readonly toolArguments: string;
}

export function recordGenAiCall(tracer: Tracer, tag: string): SentGenAiCall {
  const sent = {
    provider: 'openai',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    inputTokens: 42,
    outputTokens: 17,
    systemPrompt: `You are a weather assistant (${tag}).`,
    userPrompt: `What is the weather in Busan? <b>${tag}</b>`,
    toolName: 'get_weather',
    toolCallId: `call_${tag}`,
    toolArguments: '{"city":"Busan"}',
  };
  const span = tracer.startSpan(`chat ${sent.requestModel}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.system': sent.provider,
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': sent.requestModel,
      'gen_ai.response.model': sent.responseModel,
      'gen_ai.usage.input_tokens': sent.inputTokens,
      'gen_ai.usage.output_tokens': sent.outputTokens,
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'server.address': 'api.openai.com',
      'peer.run': tag,
    },
  });
  span.addEvent('gen_ai.system.message', {
    'gen_ai.system': sent.provider,
    'gen_ai.event.content': JSON.stringify({ content: sent.systemPrompt }),
  });
  span.addEvent('gen_ai.user.message', {
    'gen_ai.system': sent.provider,
    'gen_ai.event.content': JSON.stringify({ content: sent.userPrompt }),
  });
  span.addEvent('gen_ai.choice', {
    'gen_ai.system': sent.provider,
    'gen_ai.event.content': JSON.stringify({
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        tool_calls: [{ id: sent.toolCallId, type: 'function', function: { name: sent.toolName, arguments: sent.toolArguments } }],
      },
    }),
  });
  span.end();
  return { ...sent, traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}
