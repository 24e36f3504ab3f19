/**
 * Limits that keep the relay safe against big, slow or hostile clients. All configurable; the
 * defaults are far above what the SDKs send (batches of 100–512 items, a few hundred KiB).
 * Plain Node: never import `vscode` here.
 */

export interface RelayLimits {
  /** Body bytes as sent (compressed or not). Content-Length above it is refused before reading. */
  readonly maxBodyBytes: number;
  /** Body bytes after decompression, enforced while inflating so a gzip bomb never fully expands. */
  readonly maxDecodedBytes: number;
  readonly maxItemsPerRequest: number;
  /** Decoded body bytes all requests may hold at once (never below maxDecodedBytes); over it: 503 + Retry-After. */
  readonly maxBodyBytesInFlight: number;
  /** Deepest nesting an item may have (the envelope object is 1); deeper items are refused by index. */
  readonly maxItemDepth: number;
  /** Time allowed for the request line and headers (Node's `headersTimeout`). */
  readonly headersTimeoutMs: number;
  /** Time allowed for the whole request (Node's `requestTimeout`). */
  readonly requestTimeoutMs: number;
  /** Longest silence while a body is being received before the request is answered 408. */
  readonly bodyIdleTimeoutMs: number;
  /** How long `close()` waits for in-flight requests before cutting connections. */
  readonly closeGraceMs: number;
  readonly maxConnections: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: RelayLimits = {
  maxBodyBytes: 8 * MiB,
  maxDecodedBytes: 64 * MiB,
  maxItemsPerRequest: 10_000,
  maxBodyBytesInFlight: 256 * MiB,
  maxItemDepth: 64,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  bodyIdleTimeoutMs: 10_000,
  closeGraceMs: 5_000,
  maxConnections: 256,
};

/** Defaults for anything not given; nonsensical values (≤ 0, NaN) fall back to the default. */
export function resolveLimits(overrides: Partial<RelayLimits> = {}): RelayLimits {
  const result: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof RelayLimits)[]) {
    const value = overrides[key];
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
      result[key] = value;
    }
  }
  // Node refuses a headers timeout longer than the request timeout.
  result.headersTimeoutMs = Math.min(result.headersTimeoutMs, result.requestTimeoutMs);
  // One body of the largest size allowed must always fit.
  result.maxBodyBytesInFlight = Math.max(result.maxBodyBytesInFlight, result.maxDecodedBytes);
  return result as unknown as RelayLimits;
}
