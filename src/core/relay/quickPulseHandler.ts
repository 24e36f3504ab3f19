/**
 * Live Metrics (QuickPulse) `ping` and `post`, answered locally so an SDK with live metrics on
 * talks to the relay instead of rt.services.visualstudio.com. We always say "subscribed" (the panel
 * is the viewer) and keep each posted data point's metrics as a live sample.
 * Plain Node: never import `vscode` here.
 */
import type { ServerResponse } from 'http';
import { parseMonitoringDataPoints } from './quickPulseParse';
import { rejection } from './rejection';
import { refuse, RelayContext } from './relayContext';
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

/** The `ikey` query parameter (any case) must be the local session key. */
export function liveKeyProblem(query: URLSearchParams, localKey: string): string | undefined {
  let value: string | undefined;
  for (const [name, entry] of query) {
    if (name.toLowerCase() === 'ikey') {
      value = entry;
    }
  }
  if (value === undefined) {
    return "Query parameter 'ikey' is missing.";
  }
  return value.trim().toLowerCase() === localKey ? undefined : "Query parameter 'ikey' is not this relay's local session key.";
}

export function handleLive(context: RelayContext, route: Exclude<Route, 'track'>, body: Buffer, response: ServerResponse, path: string): void {
  context.counters.liveRequests++;
  let parsed: unknown = undefined;
  const text = body.toString('utf8').trim();
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      refuse(context, response, rejection(400, 'malformed', `The Live Metrics body is not valid JSON: ${shortenRedacted(redactConnectionString(error instanceof Error ? error.message : String(error)), 200)}`), { path });
      return;
    }
  }
  if (route === 'live-post') {
    if (parsed === undefined) {
      refuse(context, response, rejection(400, 'malformed', 'The Live Metrics post has no body; expected an array of MonitoringDataPoint.'), { path });
      return;
    }
    const samples = parseMonitoringDataPoints(parsed);
    if (!samples.ok) {
      refuse(context, response, rejection(400, 'invalid', samples.message), { path });
      return;
    }
    context.liveSamples.add(samples.samples);
  }
  sendJson(response, 200, QUICKPULSE_CONFIGURATION, SUBSCRIBED_HEADERS);
}
