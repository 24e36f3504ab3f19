/**
 * How a {@link ForwardQueue} is set up: where it queues, where it sends, and the tuning knobs
 * tests and benchmarks turn. Plain Node: never import `vscode` here.
 */
import type { ConnectionString } from '../connectionString';
import type { RelayLog } from '../../shared/lifecycle';

export interface ForwardQueueOptions {
  readonly storageDir: string;
  /** Parsed; undefined: local-only (nothing is queued). */
  readonly connectionString?: ConnectionString;
  /** The relay's session key: the only key written to disk. */
  readonly localInstrumentationKey: string;
  /** Default 50 MiB; beyond it accept rejects with QueueFullError. */
  readonly maxDiskBytes?: number;
  /** Default 48 h; older queued items are dropped with a log line. */
  readonly retentionMs?: number;
  readonly proxyUrl?: string;
  /** Entra ID access token; sent as `Authorization: Bearer`. */
  readonly getToken?: () => Promise<string | undefined>;
  readonly log?: RelayLog;
  /** Items per request, at most 512 (default). */
  readonly maxBatchItems?: number;
  /** Uncompressed JSON bytes per request, at most 1 MB (default). */
  readonly maxBatchBytes?: number;
  /** First retry delay (default 2 s), doubled per failure up to backoffMaxMs (default 5 min). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Cap on a service's Retry-After (default 10 min). */
  readonly maxRetryAfterMs?: number;
  /** Per request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Queued lines kept in memory to avoid re-reading them (default 16 MiB); the rest is read back. */
  readonly maxCachedBytes?: number;
  /** Clock for file ages and Retry-After dates (tests move it). */
  readonly now?: () => number;
  readonly random?: () => number;
}

export const DEFAULT_MAX_DISK_BYTES = 50 * 1024 * 1024;
export const DEFAULT_RETENTION_MS = 48 * 60 * 60 * 1000;
