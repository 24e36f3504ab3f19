/**
 * `POST …/v1/traces|metrics|logs` (OTLP/HTTP): content type, encoding, declared size and the local
 * key are checked before any body byte is read (admission.ts); then decode (protobuf or JSON), convert to Breeze
 * envelopes, hand them to the sink and answer 200 only once the sink has them durably, exactly like
 * the Breeze path. Answers follow the OTLP/HTTP spec: an Export*ServiceResponse (with
 * `partial_success` when items were rejected) or a google.rpc.Status, in the request's encoding.
 * Plain Node: never import `vscode` here.
 */
import { timingSafeEqual } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { convertOtlp, OtlpConversion } from '../otlp/convertOtlp';
import type { OtlpFormat } from '../otlp/decodeOtlp';
import type { OtlpSignal } from '../otlp/otlpModel';
import { loadOtlpRuntime } from '../lazy';
import { LOCAL_KEY_HEADER } from './appAddresses';
import { admitBody, BodyRoute, KeyRule } from './admission';
import { acceptDurably, showInStore, SinkRefusal } from './durableAccept';
import { Rejection, rejection } from './rejection';
import type { RelayContext } from './relayContext';
import type { KeyMatch } from './relayIdentity';

export interface OtlpRequestOptions {
  readonly signal: OtlpSignal;
  /** Where the request went, for the log line. */
  readonly where: string;
  readonly expectsContinue: boolean;
  /** False only when the user allowed key-less OTLP from loopback. */
  readonly requireKey: boolean;
}

/** The header that carries the local key (`OTEL_EXPORTER_OTLP_HEADERS=x-azmon-key=<key>`). */
export const OTLP_KEY_HEADER = LOCAL_KEY_HEADER;

/** google.rpc.Code for each HTTP status we answer with. */
const RPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 408: 4, 413: 8, 415: 3, 500: 13, 503: 14 };

export async function handleOtlp(
  context: RelayContext,
  request: IncomingMessage,
  response: ServerResponse,
  options: OtlpRequestOptions,
): Promise<void> {
  context.counters.otlpRequests++;
  const format = formatOf(request.headers['content-type']);
  // A request in neither format is answered in JSON.
  const refuse = (refused: Rejection, headers: Record<string, string> = {}, items = 0): void =>
    refuseOtlp(context, response, refused, format ?? 'json', options.where, headers, items);
  const route: BodyRoute = {
    where: options.where,
    expectsContinue: options.expectsContinue,
    contentType: () =>
      format
        ? undefined
        : rejection(
            415,
            'content-type',
            `Content-Type "${String(request.headers['content-type'] ?? '').slice(0, 100)}" is not supported on ${options.where}; OTLP/HTTP uses application/x-protobuf or application/json.`,
          ),
    key: options.requireKey ? otlpKeyRule(context) : undefined,
    refuse: (refused, headers) => refuse(refused, headers),
  };
  await admitBody(context, request, response, route, ({ body }) => handleOtlpBody(context, response, options, format!, body, refuse));
}

/** The admission step's key check for OTLP (and the query route): header or bearer token; retired keys pass in their grace period. */
export function otlpKeyRule(context: RelayContext): KeyRule {
  return {
    check: (request) =>
      keyProblem(request.headers, context.localKey, (key) => context.keys.match(key)) ??
      (keyGiven(request.headers) !== context.localKey ? 'previous' : undefined),
    reportsRefusal: true,
  };
}

async function handleOtlpBody(
  context: RelayContext,
  response: ServerResponse,
  options: OtlpRequestOptions,
  format: OtlpFormat,
  body: Buffer,
  refuse: (refused: Rejection, headers?: Record<string, string>, items?: number) => void,
): Promise<void> {
  const decoded = loadOtlpRuntime().decodeOtlp(options.signal, body, format);
  if (!decoded.ok) {
    refuse(rejection(400, 'malformed', decoded.message));
    return;
  }
  // Metrics: convert, accept and advance the cumulative stream state as one step, one request at a time.
  const convertAndAccept = async (): Promise<{ conversion: OtlpConversion; refused: SinkRefusal | undefined }> => {
    const streams = options.signal === 'metrics' ? context.metricStreams.begin() : undefined;
    const conversion = convertOtlp(options.signal, decoded.request, {
      iKey: context.localKey,
      maxItems: context.limits.maxItemsPerRequest,
      metricStreams: streams,
    });
    const refused = await acceptDurably(context, conversion.envelopes);
    if (!refused && streams) {
      streams.commit();
      if (streams.baselines > 0)
        context.log(
          'info',
          `${streams.baselines} cumulative metric points on ${options.where} were taken as a baseline only: their streams started before this relay (or were forgotten by it), so part of their totals may have been forwarded already.`,
        );
    }
    return { conversion, refused };
  };
  const { conversion, refused } =
    options.signal === 'metrics' ? await context.metricStreams.exclusive(convertAndAccept) : await convertAndAccept();
  context.counters.itemsReceived += conversion.received;
  const envelopes = conversion.envelopes;
  if (refused) {
    refuse(refused.rejection, refused.headers, conversion.received);
    return;
  }
  context.counters.itemsAccepted += conversion.received - conversion.rejected;
  context.counters.itemsRejected += conversion.rejected;
  if (conversion.rejected > 0) {
    context.log('warn', `Accepted ${options.where} partially: ${conversion.errorMessage}`);
  }
  showInStore(context, envelopes);
  send(response, 200, format, loadOtlpRuntime().encodeExportResponse(options.signal, format, conversion.rejected, conversion.errorMessage));
}

/** `application/x-protobuf` (or `application/protobuf`) or `application/json`, parameters ignored. */
export function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') {
    return 'protobuf';
  }
  return media === 'application/json' ? 'json' : undefined;
}

/** The key an OTLP request carries (header or bearer token), trimmed and lower-cased. */
function keyGiven(headers: IncomingMessage['headers']): string | undefined {
  const explicit = headers[OTLP_KEY_HEADER];
  const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  return ((Array.isArray(explicit) ? explicit[0] : explicit) ?? bearer)?.trim().toLowerCase();
}

/** 401 without a key, 403 with a wrong one (a retired key in its grace period passes `keyMatch`); the key is never echoed. */
export function keyProblem(
  headers: IncomingMessage['headers'],
  localKey: string,
  keyMatch?: (key: string) => KeyMatch,
): Rejection | undefined {
  const given = keyGiven(headers);
  if (given === undefined || given === '') {
    return rejection(
      401,
      'key',
      `OTLP requests need the relay's local key in an "${OTLP_KEY_HEADER}" header (OTEL_EXPORTER_OTLP_HEADERS=${OTLP_KEY_HEADER}=<key>) or "Authorization: Bearer <key>".`,
    );
  }
  const a = Buffer.from(given);
  const b = Buffer.from(localKey.toLowerCase());
  if ((a.length !== b.length || !timingSafeEqual(a, b)) && keyMatch?.(given) !== 'previous') {
    return rejection(
      403,
      'key',
      "The OTLP key is not this relay's local session key. Use the OTEL_EXPORTER_OTLP_HEADERS value the extension gave.",
    );
  }
  return undefined;
}

function refuseOtlp(
  context: RelayContext,
  response: ServerResponse,
  refused: Rejection,
  format: OtlpFormat,
  where: string,
  headers: Record<string, string>,
  items: number,
): void {
  context.counters.reject(refused.reason, items);
  const level = refused.reason === 'sink-error' || refused.reason === 'internal' ? 'error' : 'warn';
  context.log(level, `Refused ${where} with ${refused.status} (${refused.reason}): ${refused.message}`);
  send(response, refused.status, format, loadOtlpRuntime().encodeStatus(format, RPC_CODE[refused.status] ?? 2, refused.message), headers);
}

function send(response: ServerResponse, status: number, format: OtlpFormat, body: Buffer, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.writableEnded || response.destroyed) {
    return;
  }
  response.writeHead(status, {
    'Content-Type': format === 'protobuf' ? 'application/x-protobuf' : 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(body);
}
