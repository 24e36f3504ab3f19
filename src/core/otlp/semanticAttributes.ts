/**
 * Which attributes the Azure exporter turns into envelope fields and therefore leaves out of
 * `properties` (old and new semantic conventions), the lookups both span and log conversion use,
 * and the custom-dimension limits. Plain Node: never import `vscode` here.
 */
import { Attributes, AttributeValue, serializeAttribute, stringAttribute } from './attributes';

const FIELD_ATTRIBUTES = new Set([
  // semconv before 1.2x
  'net.peer.ip',
  'net.peer.name',
  'net.host.ip',
  'peer.service',
  'http.user_agent',
  'http.method',
  'http.url',
  'http.status_code',
  'http.route',
  'http.host',
  'db.system',
  'db.statement',
  'db.operation',
  'db.name',
  'rpc.system',
  'rpc.grpc.status_code',
  'exception.type',
  'exception.message',
  'exception.stacktrace',
  'http.scheme',
  'http.target',
  'http.flavor',
  'net.transport',
  'net.host.name',
  'net.host.port',
  'net.peer.port',
  'http.client_ip',
  'enduser.id',
  'http.status_text',
  // stable HTTP / network semconv
  'client.address',
  'client.port',
  'server.address',
  'server.port',
  'url.full',
  'url.path',
  'url.query',
  'url.scheme',
  'error.type',
  'network.local.address',
  'network.local.port',
  'network.protocol.name',
  'network.peer.address',
  'network.peer.port',
  'network.protocol.version',
  'network.transport',
  'user_agent.original',
  'http.request.method',
  'http.response.status_code',
  'enduser.pseudo.id',
  'session.id',
  'user_agent.synthetic.type',
]);
/** New DB semconv names, left out only on database dependencies (where they became fields). */
const DB_FIELD_ATTRIBUTES = new Set(['db.system.name', 'db.namespace', 'db.query.text', 'db.operation.name']);
const ALLOWED_MICROSOFT = new Set([
  'microsoft.gen_ai.main_agent.name',
  'microsoft.gen_ai.main_agent.id',
  'microsoft.gen_ai.main_agent.version',
  'microsoft.gen_ai.main_agent.conversation_id',
]);

/** Breeze limits (swagger max lengths). */
export const MAX = {
  id: 512,
  name: 1024,
  resultCode: 1024,
  type: 1024,
  target: 1024,
  url: 2048,
  data: 8192,
  property: 8192,
  message: 32768,
  propertyKey: 150,
} as const;

export interface PropertyOptions {
  /** A database dependency: the new DB attribute names are fields, not properties; server.* stay. */
  readonly databaseDependency?: boolean;
}

/** Custom dimensions: the attributes not mapped to fields, as strings, truncated as Breeze wants. */
export function propertiesFrom(attributes: Attributes, options: PropertyOptions = {}): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || !isCustomDimension(key, options)) {
      continue;
    }
    if (key.length > MAX.propertyKey) {
      continue;
    }
    properties[key] = truncate(serializeAttribute(value), MAX.property);
  }
  return properties;
}

function isCustomDimension(key: string, options: PropertyOptions): boolean {
  if (key === 'ai.operation.name' || key === 'microsoft.custom_measurements') return false;
  if (key.startsWith('_MS.')) return key === '_MS.ProcessedByMetricExtractors';
  if (key.startsWith('microsoft.')) return ALLOWED_MICROSOFT.has(key);
  if (options.databaseDependency && DB_FIELD_ATTRIBUTES.has(key)) return false;
  if (options.databaseDependency && (key === 'server.address' || key === 'server.port')) return true;
  return !FIELD_ATTRIBUTES.has(key);
}

/** `microsoft.custom_measurements` (a map, or its JSON text) → finite numbers. */
export function measurementsFrom(attributes: Attributes): Record<string, number> {
  let raw: AttributeValue = attributes['microsoft.custom_measurements'];
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as AttributeValue;
    } catch {
      return {};
    }
  }
  const measurements: Record<string, number> = {};
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) {
      if (key !== '' && typeof value === 'number' && Number.isFinite(value)) {
        measurements[key.slice(0, MAX.propertyKey)] = value;
      }
    }
  }
  return measurements;
}

/** Truncates to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

export const httpMethod = (a: Attributes): string | undefined => stringAttribute(a, 'http.request.method', 'http.method');
export const httpStatusCode = (a: Attributes): string | undefined => stringAttribute(a, 'http.response.status_code', 'http.status_code');
export const httpUrl = (a: Attributes): string | undefined => stringAttribute(a, 'url.full', 'http.url');
export const dbSystem = (a: Attributes): string | undefined => stringAttribute(a, 'db.system.name', 'db.system');
export const userAgent = (a: Attributes): string | undefined => stringAttribute(a, 'user_agent.original', 'http.user_agent');

/** The request URL: `url.full`/`http.url`, else scheme + host + target (Azure exporter `getUrl`). */
export function fullUrl(a: Attributes): string {
  if (!httpMethod(a)) {
    return '';
  }
  const url = httpUrl(a);
  if (url) {
    return url;
  }
  const scheme = stringAttribute(a, 'url.scheme', 'http.scheme');
  const target = stringAttribute(a, 'url.path', 'url.query', 'http.target');
  if (!scheme || !target) {
    return '';
  }
  const host = stringAttribute(a, 'server.address', 'http.host');
  if (host) {
    return `${scheme}://${host}${target}`;
  }
  const port = stringAttribute(a, 'client.port', 'server.port', 'net.peer.port');
  const peer = stringAttribute(a, 'client.address', 'net.peer.name') ?? stringAttribute(a, 'network.peer.address', 'net.peer.ip');
  return port && peer ? `${scheme}://${peer}:${port}${target}` : '';
}

/** peer.service, else the host, else the URL, else the peer name or address (Azure exporter `getDependencyTarget`). */
export function dependencyTarget(a: Attributes): string | undefined {
  return (
    stringAttribute(a, 'peer.service') ??
    stringAttribute(a, 'server.address', 'http.host') ??
    httpUrl(a) ??
    stringAttribute(a, 'client.address', 'net.peer.name') ??
    stringAttribute(a, 'network.peer.address', 'net.peer.ip')
  );
}
