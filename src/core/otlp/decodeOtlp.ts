/**
 * OTLP/HTTP request bodies → {@link OtlpRequests} objects, for both wire forms the spec allows:
 * binary protobuf (`application/x-protobuf`) and OTLP JSON (`application/json`: lowerCamelCase or
 * snake_case keys, hex trace/span ids, 64-bit integers as strings or numbers, enums as numbers).
 * protobufjs does the decoding against {@link OTLP_PROTO}; here the JSON ids are turned into bytes
 * before it, and all ids into hex after it, so both forms give the same objects.
 * Also encodes the answers (Export*ServiceResponse, google.rpc.Status) in the request's form.
 * Plain Node: never import `vscode` here.
 */
import * as protobuf from 'protobufjs';
import type { OtlpRequests, OtlpSignal } from './otlpModel';
import { OTLP_PROTO } from './otlpSchema';
import { redactConnectionString, shortenRedacted } from '../redact';

export type OtlpFormat = 'protobuf' | 'json';

export type DecodeResult<S extends OtlpSignal> =
  | { readonly ok: true; readonly request: OtlpRequests[S] }
  | { readonly ok: false; readonly message: string };

const REQUEST_TYPE: Record<OtlpSignal, string> = {
  traces: 'ExportTraceServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
  logs: 'ExportLogsServiceRequest',
};
const RESPONSE_TYPE: Record<OtlpSignal, string> = {
  traces: 'ExportTraceServiceResponse',
  metrics: 'ExportMetricsServiceResponse',
  logs: 'ExportLogsServiceResponse',
};
/** The partial_success counter's name per signal (OTLP field names, camelCase). */
export const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

/** Fields that OTLP JSON writes as hex rather than base64. */
const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, arrays: true };

let root: protobuf.Root | undefined;

function lookup(name: string): protobuf.Type {
  root ??= protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
  return root.lookupType(`opentelemetry.proto.${name}`);
}

export function decodeOtlp<S extends OtlpSignal>(signal: S, body: Buffer, format: OtlpFormat): DecodeResult<S> {
  const type = lookup(REQUEST_TYPE[signal]);
  let message: protobuf.Message;
  try {
    if (format === 'protobuf') {
      message = type.decode(body);
    } else {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, message: `The body is not an OTLP JSON ${REQUEST_TYPE[signal]} object.` };
      }
      message = type.fromObject(jsonToProtobufShape(parsed) as Record<string, unknown>);
    }
  } catch (error) {
    // protobufjs: "invalid wire type", "index out of range"; JSON: SyntaxError; deep nesting: RangeError.
    // V8's JSON errors quote the body: redact, then cut.
    const detail = shortenRedacted(redactConnectionString(error instanceof Error ? error.message : String(error)), 200);
    return {
      ok: false,
      message: `The body is not a valid ${format === 'json' ? 'OTLP JSON' : 'protobuf'} ${REQUEST_TYPE[signal]}: ${detail}`,
    };
  }
  const plain = type.toObject(message, TO_OBJECT);
  return { ok: true, request: idsToHex(plain) as OtlpRequests[S] };
}

/** `Export*ServiceResponse`, with `partial_success` only when something was rejected (as the spec asks). */
export function encodeExportResponse(signal: OtlpSignal, format: OtlpFormat, rejected: number, errorMessage: string): Buffer {
  const body = rejected > 0 || errorMessage !== '' ? { partialSuccess: { [REJECTED_FIELD[signal]]: rejected, errorMessage } } : {};
  return encode(RESPONSE_TYPE[signal], format, body, (json) => {
    // OTLP JSON writes int64 as a string.
    const partial = (json as { partialSuccess?: Record<string, unknown> }).partialSuccess;
    if (partial) {
      partial[REJECTED_FIELD[signal]] = String(rejected);
    }
    return json;
  });
}

/** google.rpc.Status for an error answer. */
export function encodeStatus(format: OtlpFormat, code: number, message: string): Buffer {
  return encode('RpcStatus', format, { code, message });
}

function encode(
  typeName: string,
  format: OtlpFormat,
  body: Record<string, unknown>,
  adjustJson: (json: unknown) => unknown = (json) => json,
): Buffer {
  const type = lookup(typeName);
  const message = type.fromObject(body);
  if (format === 'protobuf') {
    return Buffer.from(type.encode(message).finish());
  }
  return Buffer.from(JSON.stringify(adjustJson(type.toObject(message, { longs: String, enums: Number }))), 'utf8');
}

/** snake_case keys → lowerCamelCase, hex ids → bytes (a bad id throws, making the request malformed). */
function jsonToProtobufShape(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(jsonToProtobufShape);
  }
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  const result: Record<string, unknown> = {};
  for (const [rawKey, item] of Object.entries(value)) {
    const key = rawKey.includes('_') ? rawKey.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase()) : rawKey;
    if (ID_FIELDS.has(key) && typeof item === 'string') {
      if (!HEX.test(item)) {
        throw new Error(`field ${key} is not a hex string: "${item.slice(0, 40)}"`);
      }
      result[key] = Buffer.from(item, 'hex');
    } else {
      result[key] = jsonToProtobufShape(item);
    }
  }
  return result;
}

function idsToHex(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) {
      idsToHex(item);
    }
    return value;
  }
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) {
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (ID_FIELDS.has(key) && item instanceof Uint8Array) {
      record[key] = Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('hex');
    } else if (typeof item === 'object' && item !== null) {
      idsToHex(item);
    }
  }
  return record;
}
