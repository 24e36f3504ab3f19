/**
 * What the forwarder does with each answer from the ingestion service (the Track API's rules):
 * retry transient failures with exponential backoff and jitter, honour `Retry-After`, drop what
 * the service will never take. Pure functions, so every rule is unit-testable without a clock.
 * Plain Node: never import `vscode` here.
 */

/** Transient answers: the same batch will be sent again later. */
const RETRYABLE_STATUS = new Set([408, 429, 439, 500, 502, 503, 504]);
/** Auth failures are transient only when a token is sent (it may be refreshed or the role granted). */
const AUTH_STATUS = new Set([401, 403]);

/** The JS exporter's sampling rejection: the service dropped it on purpose, resending is pointless. */
export const SAMPLED_OUT_MESSAGE = 'Telemetry sampled out.';

export function isRetryableStatus(status: number, usingToken: boolean): boolean {
  return RETRYABLE_STATUS.has(status) || (usingToken && AUTH_STATUS.has(status));
}

/** Per-item verdict inside a 206 answer. */
export function isRetryableItem(statusCode: number, message: string | undefined, usingToken: boolean): boolean {
  if (typeof message === 'string' && message.trim() === SAMPLED_OUT_MESSAGE) {
    return false;
  }
  return isRetryableStatus(statusCode, usingToken);
}

/** Why a whole batch was dropped, for the log and the per-reason counters. */
export function dropReason(status: number): string {
  switch (status) {
    case 400:
      return 'the service rejected the data or the instrumentation key (400)';
    case 401:
    case 403:
      return `the resource requires Entra ID authentication (${status}); enable the Microsoft account for forwarding`;
    case 402:
      return 'the daily quota of the Application Insights resource is exhausted (402)';
    case 404:
      return "the endpoint does not take this resource's telemetry (404: use the regional endpoint of the connection string)";
    default:
      return `the service answered ${status}`;
  }
}

/**
 * `Retry-After` as delay in milliseconds: delta-seconds or an HTTP date. Undefined when absent or
 * unreadable; capped so a broken header cannot park the queue for days.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number, capMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) {
    return undefined;
  }
  let delayMs: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    delayMs = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) {
      return undefined;
    }
    delayMs = date - nowMs;
  }
  return Math.min(capMs, Math.max(0, delayMs));
}

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
}

/**
 * Delay before attempt `failures + 1`: base·2^(failures−1), capped, with "equal jitter" (half fixed,
 * half random) so relays that failed together do not retry in lock-step yet never retry at once.
 */
export function backoffDelay(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return ceiling / 2 + random() * (ceiling / 2);
}
