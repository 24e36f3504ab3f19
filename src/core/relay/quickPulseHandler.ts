/**
 * Live Metrics (QuickPulse) `ping` and `post`. Each posted data point's metrics are kept as a live
 * sample for the panel. While forwarding, the request then goes on to the real Live Metrics service
 * through the context's {@link LiveUpstream} (src/core/live) and its answer goes back to the app;
 * local-only (or when the upstream declines), the relay answers itself: always "subscribed" (the
 * panel is the viewer) with an empty configuration. Plain Node: never import `vscode` here.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'http';
import { parseLiveDocuments } from '../live/liveDocuments';
import type { LiveAnswer } from '../live/liveMetricsProxy';
import type { KeyRule } from './admission';
import { parseMonitoringDataPoints } from './quickPulseParse';
import { rejection } from './rejection';
import { refuse, RelayContext } from './relayContext';
import type { KeyMatch } from './relayIdentity';
import { sendJson } from './responses';
import { redactConnectionString, shortenRedacted } from '../redact';
import type { Route } from './routes';

export const QUICKPULSE_ETAG = 'azmon-relay-local-1';
/** Ping interval hint (ms) for SDKs that honour it; we answer "subscribed" so they post every second. */
export const QUICKPULSE_POLLING_INTERVAL_HINT_MS = 5000;

/** A CollectionConfigurationInfo with no derived metrics and no document streams. */
export const QUICKPULSE_CONFIGURATION = { ETag: QUICKPULSE_ETAG, Metrics: [], DocumentStreams: [], QuotaInfo: null } as const;

const SUBSCRIBED_HEADERS = {
  'x-ms-qps-subscribed': 'true',
  'x-ms-qps-service-polling-interval-hint': String(QUICKPULSE_POLLING_INTERVAL_HINT_MS),
  'x-ms-qps-configuration-etag': QUICKPULSE_ETAG,
};

/** The `ikey` query parameter (any case) must be the local session key (or, with `keyMatch`, a retired one in its grace period). */
export function liveKeyProblem(query: URLSearchParams, localKey: string, keyMatch?: (key: string) => KeyMatch): string | undefined {
  let value: string | undefined;
  for (const [name, entry] of query) {
    if (name.toLowerCase() === 'ikey') {
      value = entry;
    }
  }
  if (value === undefined) {
    return "Query parameter 'ikey' is missing.";
  }
  return value.trim().toLowerCase() === localKey || keyMatch?.(value) === 'previous'
    ? undefined
    : "Query parameter 'ikey' is not this relay's local session key.";
}

/** The admission step's key check for Live Metrics: 403 for a missing or foreign `ikey` (told as old-key use). */
export function liveKeyRule(context: RelayContext, query: URLSearchParams): KeyRule {
  return {
    check: () => {
      const problem = liveKeyProblem(query, context.localKey, (key) => context.keys.match(key));
      return problem ? rejection(403, 'key', problem) : undefined;
    },
    reportsRefusal: true,
  };
}

export interface LiveRequest {
  /** The path with `//` runs collapsed. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
}

export async function handleLive(
  context: RelayContext,
  route: Exclude<Route, 'track'>,
  body: Buffer,
  response: ServerResponse,
  path: string,
  live?: LiveRequest,
): Promise<void> {
  context.counters.liveRequests++;
  let parsed: unknown = undefined;
  const text = body.toString('utf8').trim();
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      refuse(
        context,
        response,
        rejection(
          400,
          'malformed',
          `The Live Metrics body is not valid JSON: ${shortenRedacted(redactConnectionString(error instanceof Error ? error.message : String(error)), 200)}`,
        ),
        { path },
      );
      return;
    }
  }
  if (route === 'live-post') {
    if (parsed === undefined) {
      refuse(
        context,
        response,
        rejection(400, 'malformed', 'The Live Metrics post has no body; expected an array of MonitoringDataPoint.'),
        { path },
      );
      return;
    }
    const samples = parseMonitoringDataPoints(parsed);
    if (!samples.ok) {
      refuse(context, response, rejection(400, 'invalid', samples.message), { path });
      return;
    }
    context.liveSamples.add(samples.samples);
    context.liveDocuments?.add(parseLiveDocuments(parsed));
  }
  if (context.liveUpstream && live && parsed !== undefined) {
    const operation = route === 'live-ping' ? 'ping' : 'post';
    // The tail as the app spelled it (`QuickPulseService.svc/ping`), whatever prefix it came under.
    const pathTail = live.path.split('/').slice(-2).join('/');
    let answer: LiveAnswer | undefined;
    try {
      answer = await context.liveUpstream.exchange({ operation, pathTail, query: live.query, headers: live.headers, body: parsed });
    } catch (error) {
      context.log('warn', `Live Metrics forwarding failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (answer) {
      sendLiveAnswer(response, answer);
      return;
    }
  }
  sendJson(response, 200, QUICKPULSE_CONFIGURATION, SUBSCRIBED_HEADERS);
}

function sendLiveAnswer(response: ServerResponse, answer: LiveAnswer): void {
  if (response.headersSent || response.writableEnded || response.destroyed) {
    return;
  }
  response.writeHead(answer.status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(answer.body)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...answer.headers,
  });
  response.end(answer.body);
}
