/**
 * One OTLP span → a RequestData (SERVER, CONSUMER) or RemoteDependencyData (CLIENT, PRODUCER,
 * INTERNAL; UNSPECIFIED counts as INTERNAL, as the OTel spec says) envelope, followed by one
 * envelope per span event: `exception` events → ExceptionData, others → MessageData. Follows the
 * azure-monitor-opentelemetry-exporter mapping; where its Python and JS versions differ, Python's
 * dependency types win (this extension's users run Python). Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { attributesToRecord, Attributes, stringAttribute } from './attributes';
import { isRealId, makeEnvelope } from './envelopeBase';
import { Span, SpanEvent, SpanKind, StatusCode } from './otlpModel';
import { nanosOf, nanosToDuration, nanosToIso } from './otlpTime';
import {
  dbSystem,
  dependencyTarget,
  fullUrl,
  httpMethod,
  httpStatusCode,
  httpUrl,
  MAX,
  measurementsFrom,
  propertiesFrom,
  truncate,
  userAgent,
} from './semanticAttributes';

const SQL_SYSTEMS = new Set(['db2', 'derby', 'mariadb', 'mssql', 'oracle', 'sqlite', 'other_sql', 'hsqldb', 'h2']);
const NAMED_DB_TYPES = new Set(['mysql', 'postgresql', 'mongodb', 'redis']);
/** Python exporter: links beyond this would overflow the 8192-character property. */
const MAX_LINKS = 102;

export type SpanConversion = { readonly ok: true; readonly envelopes: Envelope[] } | { readonly ok: false; readonly message: string };

export function spanToEnvelopes(span: Span, resourceTags: Record<string, string>, iKey: string): SpanConversion {
  const traceId = span.traceId ?? '';
  const spanId = span.spanId ?? '';
  if (!/^[0-9a-f]{32}$/.test(traceId) || !isRealId(traceId)) {
    return { ok: false, message: `span "${truncate(span.name ?? '', 100)}" has no valid 16-byte trace id` };
  }
  if (!/^[0-9a-f]{16}$/.test(spanId) || !isRealId(spanId)) {
    return { ok: false, message: `span "${truncate(span.name ?? '', 100)}" has no valid 8-byte span id` };
  }
  const attributes = attributesToRecord(span.attributes);
  const kind = span.kind ?? SpanKind.UNSPECIFIED;
  const isRequest = kind === SpanKind.SERVER || kind === SpanKind.CONSUMER;
  const start = nanosOf(span.startTimeUnixNano);
  const duration = nanosToDuration(nanosOf(span.endTimeUnixNano) - start);
  const tags = spanTags(span, attributes, resourceTags, kind);
  const sampleRate = sampleRateOf(attributes);
  const databaseDependency = !isRequest && !httpMethod(attributes) && dbSystem(attributes) !== undefined;
  const properties = propertiesFrom(attributes, { databaseDependency });
  const links = (span.links ?? []).slice(0, MAX_LINKS).map((link) => ({ operation_Id: link.traceId ?? '', id: link.spanId ?? '' }));
  if (links.length > 0) {
    properties['_MS.links'] = JSON.stringify(links);
  }
  const measurements = measurementsFrom(attributes);
  const time = nanosToIso(start);
  const main = isRequest
    ? makeEnvelope(
        'Request',
        time,
        iKey,
        tags,
        'RequestData',
        { ...requestData(span, attributes, tags, duration), properties, measurements },
        sampleRate,
      )
    : makeEnvelope(
        'RemoteDependency',
        time,
        iKey,
        tags,
        'RemoteDependencyData',
        { ...dependencyData(span, attributes, kind, duration), properties, measurements },
        sampleRate,
      );
  const envelopes = [main];
  for (const event of span.events ?? []) {
    envelopes.push(eventEnvelope(event, span, attributes, resourceTags, iKey, sampleRate));
  }
  return { ok: true, envelopes };
}

function spanTags(span: Span, attributes: Attributes, resourceTags: Record<string, string>, kind: number): Record<string, string> {
  const tags: Record<string, string> = { ...resourceTags, 'ai.operation.id': span.traceId! };
  if (isRealId(span.parentSpanId)) {
    tags['ai.operation.parentId'] = span.parentSpanId;
  }
  const authUser = stringAttribute(attributes, 'enduser.id');
  if (authUser) tags['ai.user.authUserId'] = authUser;
  const user = stringAttribute(attributes, 'enduser.pseudo.id');
  if (user) tags['ai.user.id'] = user;
  const session = attributes['session.id'];
  if (typeof session === 'string') tags['ai.session.id'] = session;
  const agent = userAgent(attributes);
  if (agent) tags['ai.user.userAgent'] = agent;
  if (attributes['user_agent.synthetic.type']) tags['ai.operation.syntheticSource'] = 'True';
  const clientIp = stringAttribute(attributes, 'microsoft.client.ip');
  if (clientIp) tags['ai.location.ip'] = clientIp;
  if (kind === SpanKind.SERVER || kind === SpanKind.CONSUMER) {
    const ip =
      clientIp ??
      stringAttribute(attributes, 'client.address', 'http.client_ip') ??
      stringAttribute(attributes, 'network.peer.address', 'net.peer.ip');
    if (ip) tags['ai.location.ip'] = ip;
    tags['ai.operation.name'] = truncate(operationName(span, attributes, kind), MAX.name);
  } else {
    const explicit = stringAttribute(attributes, 'ai.operation.name');
    if (explicit) tags['ai.operation.name'] = explicit;
  }
  return tags;
}

/** SERVER with HTTP: "METHOD route", else "METHOD path", else the span name. */
function operationName(span: Span, attributes: Attributes, kind: number): string {
  const name = span.name ?? '';
  const method = httpMethod(attributes);
  if (kind !== SpanKind.SERVER || !method) {
    return name;
  }
  const route = stringAttribute(attributes, 'http.route');
  if (route) {
    return `${method} ${route}`;
  }
  const path = pathOf(httpUrl(attributes));
  return path !== undefined ? `${method} ${path}` : name;
}

function requestData(span: Span, attributes: Attributes, tags: Record<string, string>, duration: string): Record<string, unknown> {
  const status = span.status?.code ?? StatusCode.UNSET;
  const httpStatus = httpStatusCode(attributes);
  const method = httpMethod(attributes);
  const grpcStatus = stringAttribute(attributes, 'rpc.grpc.status_code');
  const data: Record<string, unknown> = {
    id: span.spanId,
    name: tags['ai.operation.name'],
    duration,
    success: status !== StatusCode.UNSET ? status === StatusCode.OK : (Number(httpStatus) || 0) < 400,
    responseCode: truncate((method ? httpStatus : grpcStatus) ?? '0', MAX.resultCode),
  };
  if (method) {
    data.url = truncate(fullUrl(attributes), MAX.url);
  }
  return data;
}

function dependencyData(span: Span, attributes: Attributes, kind: number, duration: string): Record<string, unknown> {
  let name = span.name ?? '';
  let type = kind === SpanKind.CLIENT ? 'N/A' : kind === SpanKind.PRODUCER ? 'Queue Message' : 'InProc';
  let resultCode = '0';
  let data: string | undefined;
  let target: string | undefined;
  const method = httpMethod(attributes);
  const db = dbSystem(attributes);
  const rpc = stringAttribute(attributes, 'rpc.system');
  const messaging = stringAttribute(attributes, 'messaging.system');
  if (method) {
    type = 'HTTP';
    const path = pathOf(httpUrl(attributes));
    if (path !== undefined) name = `${method} ${path}`;
    data = fullUrl(attributes);
    resultCode = httpStatusCode(attributes) ?? '0';
    target = withoutDefaultPort(dependencyTarget(attributes));
  } else if (db) {
    type = NAMED_DB_TYPES.has(db) ? db : SQL_SYSTEMS.has(db) ? 'SQL' : db;
    data = stringAttribute(attributes, 'db.query.text', 'db.statement') ?? stringAttribute(attributes, 'db.operation.name', 'db.operation');
    const host = dependencyTarget(attributes);
    const dbName = stringAttribute(attributes, 'db.namespace', 'db.name');
    target = host ? (dbName ? `${host}|${dbName}` : host) : (dbName ?? db);
  } else if (rpc) {
    type = rpc === 'WCF Service' ? rpc : 'GRPC';
    resultCode = stringAttribute(attributes, 'rpc.grpc.status_code') ?? '0';
    target = dependencyTarget(attributes) ?? rpc;
  } else if (messaging) {
    type = kind === SpanKind.PRODUCER ? `Queue Message | ${messaging}` : kind === SpanKind.CLIENT ? messaging : type;
    target =
      dependencyTarget(attributes) ?? stringAttribute(attributes, 'messaging.destination.name', 'messaging.destination') ?? messaging;
  }
  const namespace = stringAttribute(attributes, 'az.namespace');
  if (namespace && kind === SpanKind.INTERNAL) {
    type = `InProc | ${namespace}`;
  }
  const result: Record<string, unknown> = {
    id: span.spanId,
    name: truncate(name, MAX.name),
    resultCode: truncate(resultCode, MAX.resultCode),
    type: truncate(type, MAX.type),
    duration,
    success: (span.status?.code ?? StatusCode.UNSET) !== StatusCode.ERROR,
  };
  if (data) result.data = truncate(data, MAX.data);
  if (target) result.target = truncate(target, MAX.target);
  return result;
}

function eventEnvelope(
  event: SpanEvent,
  span: Span,
  spanAttributes: Attributes,
  resourceTags: Record<string, string>,
  iKey: string,
  sampleRate: number,
): Envelope {
  const attributes = attributesToRecord(event.attributes);
  const tags: Record<string, string> = { ...resourceTags, 'ai.operation.id': span.traceId!, 'ai.operation.parentId': span.spanId! };
  const session = attributes['session.id'] ?? spanAttributes['session.id'];
  if (typeof session === 'string') tags['ai.session.id'] = session;
  const properties = propertiesFrom(attributes);
  const measurements = measurementsFrom(attributes);
  const extra = Object.keys(measurements).length > 0 ? { measurements } : {};
  const time = nanosToIso(nanosOf(event.timeUnixNano), Number(nanosOf(span.startTimeUnixNano) / 1_000_000n));
  if (event.name === 'exception') {
    const escaped = attributes['exception.escaped'];
    if (escaped !== undefined) properties['exception.escaped'] = String(escaped);
    return makeEnvelope(
      'Exception',
      time,
      iKey,
      tags,
      'ExceptionData',
      { exceptions: [exceptionDetails(attributes)], properties, ...extra },
      sampleRate,
    );
  }
  return makeEnvelope(
    'Message',
    time,
    iKey,
    tags,
    'MessageData',
    { message: truncate(event.name || 'n/a', MAX.message), properties, ...extra },
    sampleRate,
  );
}

/** From `exception.type`, `exception.message`, `exception.stacktrace` (a string stack, never parsedStack). */
export function exceptionDetails(attributes: Attributes): Record<string, unknown> {
  const stack = stringAttribute(attributes, 'exception.stacktrace');
  const details: Record<string, unknown> = {
    typeName: truncate(stringAttribute(attributes, 'exception.type') ?? '', MAX.name),
    message: truncate(stringAttribute(attributes, 'exception.message') ?? 'Exception', MAX.message),
    hasFullStack: stack !== undefined,
  };
  if (stack !== undefined) details.stack = truncate(stack, MAX.message);
  return details;
}

/** `microsoft.sample_rate` (JS exporter) or `_MS.sampleRate` (Python), when in (0, 100]. */
function sampleRateOf(attributes: Attributes): number {
  const value = Number(attributes['microsoft.sample_rate'] ?? attributes['_MS.sampleRate']);
  return value > 0 && value <= 100 ? value : 100;
}

function pathOf(url: string | undefined): string | undefined {
  if (!url) {
    return undefined;
  }
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/** `https://host:443/x` → `https://host/x`, `http://host:80` → `http://host` (the exporter's target rule). */
function withoutDefaultPort(target: string | undefined): string | undefined {
  const match = target ? /^(https?)(:\/\/.*)(:\d+)(\S*)$/.exec(target) : null;
  if (match && ((match[1] === 'https' && match[3] === ':443') || (match[1] === 'http' && match[3] === ':80'))) {
    return match[1] + match[2] + match[4];
  }
  return target;
}
