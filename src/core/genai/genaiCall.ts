/**
 * Generative-AI calls in telemetry (issue 19), read from the OpenTelemetry GenAI semantic
 * conventions wherever they land in a store item: a span's attributes (OTLP) or a dependency's
 * customDimensions (the Azure Monitor exporter, Breeze) carry `gen_ai.*` keys; a conversation comes
 * as `gen_ai.system_instructions` / `gen_ai.input.messages` / `gen_ai.output.messages` (JSON text)
 * or, in older instrumentations, as one event per message (`gen_ai.user.message`, `gen_ai.choice`…).
 * Everything here is untrusted text: bounded in count and length, never logged, never markup.
 * Plain Node, no DOM: never import `vscode` here.
 */
import type { PanelGenAi, PanelGenAiMessage, PanelGenAiPart } from '../../shared/messages';
import type { TelemetryItem } from '../store/telemetryItem';

/** Messages kept per call, parts per message, characters per text (the store already cut each property to 8,192). */
export const GENAI_LIMITS = { messages: 200, parts: 50, textChars: 32_768 } as const;

export interface GenAiOptions {
  /** Message content is sensitive: false keeps roles, tools and counts and drops every text. */
  readonly showContent: boolean;
}

const EVENT_ROLE: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
  'gen_ai.choice': 'assistant',
};

/** Attributes that carry message content (prompts, answers, tool arguments): hidden with it. */
export const GENAI_CONTENT_KEYS: ReadonlySet<string> = new Set([
  'gen_ai.system_instructions',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.event.content',
  'gen_ai.prompt',
  'gen_ai.completion',
  'gen_ai.tool.call.arguments',
  'gen_ai.tool.call.result',
  'content',
  'tool_calls',
  'body',
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** True when the item carries GenAI attributes or is a GenAI message event. */
export function isGenAiItem(item: TelemetryItem): boolean {
  const properties = item.properties;
  if (!properties) return eventRole(item) !== undefined;
  return (
    'gen_ai.operation.name' in properties ||
    'gen_ai.provider.name' in properties ||
    'gen_ai.system' in properties ||
    'gen_ai.request.model' in properties ||
    eventRole(item) !== undefined
  );
}

/** What the panel shows for a GenAI span or message event; undefined for any other item. */
export function genAiOf(item: TelemetryItem, options: GenAiOptions = { showContent: true }): PanelGenAi | undefined {
  if (!isGenAiItem(item)) return undefined;
  const properties = item.properties ?? {};
  const result: Mutable<PanelGenAi> = {};
  const provider = properties['gen_ai.provider.name'] ?? properties['gen_ai.system'];
  if (provider) result.provider = provider;
  if (properties['gen_ai.operation.name']) result.operation = properties['gen_ai.operation.name'];
  if (properties['gen_ai.request.model']) result.requestModel = properties['gen_ai.request.model'];
  if (properties['gen_ai.response.model']) result.responseModel = properties['gen_ai.response.model'];
  const input = tokenCount(
    properties['gen_ai.usage.input_tokens'] ?? properties['gen_ai.usage.prompt_tokens'],
    item.measurements?.['gen_ai.usage.input_tokens'],
  );
  const output = tokenCount(
    properties['gen_ai.usage.output_tokens'] ?? properties['gen_ai.usage.completion_tokens'],
    item.measurements?.['gen_ai.usage.output_tokens'],
  );
  if (input !== undefined) result.inputTokens = input;
  if (output !== undefined) result.outputTokens = output;
  const finish = stringList(properties['gen_ai.response.finish_reasons']);
  if (finish.length > 0) result.finishReasons = finish;

  const messages: PanelGenAiMessage[] = [];
  let hadContent = false;
  const add = (message: PanelGenAiMessage | undefined): void => {
    if (!message || messages.length >= GENAI_LIMITS.messages) return;
    if (message.parts.some((part) => part.text !== undefined)) hadContent = true;
    messages.push(options.showContent ? message : withoutContent(message));
  };
  const system = parseJson(properties['gen_ai.system_instructions']);
  if (Array.isArray(system)) add({ role: 'system', parts: partsOf(system) });
  for (const key of ['gen_ai.input.messages', 'gen_ai.output.messages']) {
    const list = parseJson(properties[key]);
    if (Array.isArray(list)) for (const entry of list) add(messageOf(entry));
  }
  const role = eventRole(item);
  if (role !== undefined) add(eventMessage(item, role));
  if (messages.length > 0) result.messages = messages;
  if (hadContent && !options.showContent) result.contentHidden = true;
  return result;
}

/** The role of a message event (`gen_ai.user.message` …), from its name or its text. */
function eventRole(item: TelemetryItem): string | undefined {
  if (item.table !== 'traces' && item.table !== 'customEvents') return undefined;
  const name = item.properties?.['event.name'] ?? item.name ?? item.message ?? '';
  return EVENT_ROLE[name];
}

/** An event's message: its `content` (or `gen_ai.event.content` JSON / body), tool calls, finish reason. */
function eventMessage(item: TelemetryItem, fallbackRole: string): PanelGenAiMessage {
  const properties = item.properties ?? {};
  const body = parseJson(properties['gen_ai.event.content'] ?? properties.body);
  const record = isRecord(body) ? body : {};
  const inner = isRecord(record.message) ? record.message : record;
  const role = typeof inner.role === 'string' ? inner.role : (properties.role ?? fallbackRole);
  const parts: PanelGenAiPart[] = [];
  const content = typeof inner.content === 'string' ? inner.content : properties.content;
  if (content) parts.push({ kind: 'text', text: cut(content) });
  const calls = Array.isArray(inner.tool_calls) ? inner.tool_calls : parseJson(properties.tool_calls);
  if (Array.isArray(calls)) {
    for (const call of calls.slice(0, GENAI_LIMITS.parts)) {
      if (!isRecord(call)) continue;
      const fn = isRecord(call.function) ? call.function : {};
      parts.push(clean({ kind: 'tool_call', id: text(call.id), name: text(fn.name), text: argumentsText(fn.arguments) }));
    }
  }
  const id = text(inner.id) ?? properties.id;
  if (role === 'tool' && id) parts.forEach((part, index) => (parts[index] = { ...part, kind: 'tool_result', id }));
  const finish = text(record.finish_reason) ?? properties.finish_reason;
  return finish ? { role, parts, finishReason: finish } : { role, parts };
}

/** One entry of gen_ai.input.messages / output.messages: `{ role, parts: [...], finish_reason? }`. */
function messageOf(entry: unknown): PanelGenAiMessage | undefined {
  if (!isRecord(entry)) return undefined;
  const role = text(entry.role) ?? 'unknown';
  const parts = Array.isArray(entry.parts)
    ? partsOf(entry.parts)
    : typeof entry.content === 'string'
      ? [{ kind: 'text' as const, text: cut(entry.content) }]
      : [];
  const finish = text(entry.finish_reason);
  return finish ? { role, parts, finishReason: finish } : { role, parts };
}

function partsOf(list: readonly unknown[]): PanelGenAiPart[] {
  const parts: PanelGenAiPart[] = [];
  for (const part of list.slice(0, GENAI_LIMITS.parts)) {
    if (!isRecord(part)) continue;
    switch (part.type) {
      case 'text':
        parts.push({ kind: 'text', text: cut(text(part.content) ?? '') });
        break;
      case 'tool_call':
        parts.push(clean({ kind: 'tool_call', id: text(part.id), name: text(part.name), text: argumentsText(part.arguments) }));
        break;
      case 'tool_call_response':
        parts.push(clean({ kind: 'tool_result', id: text(part.id), text: argumentsText(part.response ?? part.result) }));
        break;
      default:
        // Other part kinds (blob, uri, reasoning…): their text only, when they have one.
        if (typeof part.content === 'string') parts.push({ kind: 'text', text: cut(part.content) });
    }
  }
  return parts;
}

function withoutContent(message: PanelGenAiMessage): PanelGenAiMessage {
  return { ...message, parts: message.parts.map(({ text: _hidden, ...rest }) => rest) };
}

function argumentsText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return cut(value);
  try {
    return cut(JSON.stringify(value));
  } catch {
    return undefined;
  }
}

function tokenCount(value: string | undefined, measurement: number | undefined): number | undefined {
  const number = value !== undefined ? Number(value) : measurement;
  return number !== undefined && Number.isFinite(number) && number >= 0 ? Math.round(number) : undefined;
}

/** `["stop"]`, `('stop',)`, `stop` or `stop,length` → the reasons. */
function stringList(value: string | undefined): string[] {
  if (!value) return [];
  const parsed = parseJson(value);
  if (Array.isArray(parsed)) return parsed.filter((entry): entry is string => typeof entry === 'string').slice(0, 20);
  return value
    .replace(/^[[(]|[\])]$/g, '')
    .split(',')
    .map((entry) => entry.trim().replace(/^['"]|['"]$/g, ''))
    .filter((entry) => entry !== '')
    .slice(0, 20);
}

function parseJson(value: string | undefined): unknown {
  if (!value || (value[0] !== '[' && value[0] !== '{')) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? cut(value) : undefined;
}

function cut(value: string): string {
  return value.length > GENAI_LIMITS.textChars ? value.slice(0, GENAI_LIMITS.textChars) : value;
}

function clean(part: PanelGenAiPart): PanelGenAiPart {
  return Object.fromEntries(Object.entries(part).filter(([, value]) => value !== undefined)) as unknown as PanelGenAiPart;
}
