/**
 * What the request handlers share: configuration, the sink and store they feed, counters, and one
 * way to refuse a request (count it, log it, answer it). Plain Node: never import `vscode` here.
 */
import type { ServerResponse } from 'http';
import type { MetricStreams } from '../otlp/metricStreams';
import type { LiveDocuments } from '../live/liveDocuments';
import type { LiveUpstream } from '../live/liveMetricsProxy';
import type { EnvelopeSink } from '../sink';
import type { TelemetryStore } from '../store/telemetryStore';
import type { BodyBudget } from './bodyReader';
import type { RelayLimits } from './limits';
import type { LiveSamples } from './liveSamples';
import type { Rejection } from './rejection';
import type { LocalKeyRing } from './relayIdentity';
import type { RelayCounters } from './relayStats';
import { sendRejection } from './responses';

import type { RelayLog } from '../../shared/lifecycle';

export type { RelayLog, RelayLogLevel } from '../../shared/lifecycle';

/** An app used a key other than the current one: a retired key still accepted, or a refused one. */
export interface KeyUse {
  readonly outcome: 'previous' | 'refused';
  /** `POST /v2.1/track`, for the log. */
  readonly path: string;
}

export interface RelayContext {
  /** Lower-case GUID every envelope (and every Live Metrics `ikey`) must carry. */
  readonly localKey: string;
  /** The current key and the retired ones still in their grace period. */
  readonly keys: LocalKeyRing;
  /** Told about every request with a retired or unknown key (the caller rate-limits what it shows). */
  readonly onKeyUse?: (use: KeyUse) => void;
  readonly limits: RelayLimits;
  readonly sink: EnvelopeSink;
  readonly store: TelemetryStore;
  readonly liveSamples: LiveSamples;
  /** While forwarding: where Live Metrics requests go on to (see src/core/live). */
  readonly liveUpstream?: LiveUpstream;
  /** The sample documents of Live Metrics posts, for the panel's Live view. */
  readonly liveDocuments?: LiveDocuments;
  readonly counters: RelayCounters;
  readonly log: RelayLog;
  /** OTLP cumulative metric streams since this relay started (see otlp/metricStreams.ts). */
  readonly metricStreams: MetricStreams;
  /** Decoded body bytes held by requests being read or handled (limits.maxBodyBytesInFlight). */
  readonly bodyBudget: BodyBudget;
}

export interface RefuseOptions {
  /** Items in the request, when the body could be parsed. */
  readonly items?: number;
  readonly headers?: Record<string, string>;
  /** Where the request went, for the log line. */
  readonly path?: string;
}

/** Counts, logs and answers a refused request. The server keeps serving. */
export function refuse(context: RelayContext, response: ServerResponse, refused: Rejection, options: RefuseOptions = {}): void {
  context.counters.reject(refused.reason, options.items ?? 0);
  const level = refused.reason === 'sink-error' || refused.reason === 'internal' ? 'error' : 'warn';
  context.log(level, `Refused ${options.path ?? 'request'} with ${refused.status} (${refused.reason}): ${refused.message}`);
  sendRejection(response, refused, options.items ?? 0, options.headers);
}
