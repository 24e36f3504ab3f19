/**
 * The forwarder's retry, error and redirect state: how many attempts failed in a row, when the
 * next one is due (backoff or the service's Retry-After), where batches go after a redirect, and
 * the error the strip shows. No I/O and an injected clock, so each transition is unit-testable.
 *
 * The last error is history, kept for the strip's "last error at …" tooltip; it is *current* only
 * while the state is `retrying` or `error`. A successful send or a change of mode (connection
 * string set or cleared, paused, resumed) ends an error state, so a recovered endpoint never
 * leaves a stale red error behind (issue 13 item 7). Plain Node: never import `vscode` here.
 */
import type { ConnectionString } from '../connectionString';
import { shortenRedacted } from '../redact';
import type { ForwardState } from '../../shared/forwarding';
import { decideRedirect, MAX_CONSECUTIVE_REDIRECTS } from './redirectPolicy';
import { backoffDelay, BackoffOptions } from './retryRules';

/** lastError is shown in the status bar and the panel: redacted first, then cut to this. */
export const MAX_LAST_ERROR_CHARS = 400;

export interface SendStateOptions {
  readonly backoff: BackoffOptions;
  readonly now: () => number;
  readonly random?: () => number;
  /** Removes keys (and whatever else must not be shown) from an error text before it is cut. */
  readonly redact: (text: string) => string;
}

/** What to do with a redirect: follow it (`changed` when the endpoint is new) or count a failure. */
export type RedirectStep =
  | { readonly follow: true; readonly endpoint: string; readonly changed: boolean }
  | { readonly follow: false; readonly reason: string };

export class SendState {
  private consecutive = 0;
  /** Transient failures since open: a split request stops when this moves (see ForwardQueue.isolate). */
  private failureCount = 0;
  private redirectsInARow = 0;
  private due = 0;
  private retryAfter = false;
  private errorState = false;
  private error: string | undefined;
  private errorAt: number | undefined;
  private sentAt: number | undefined;
  private target: string | undefined;

  constructor(private readonly options: SendStateOptions) {}

  get consecutiveFailures(): number {
    return this.consecutive;
  }

  get failures(): number {
    return this.failureCount;
  }

  /** Epoch ms before which no request goes out (0: now). */
  get nextAttemptAt(): number {
    return this.due;
  }

  /** The wait is the service's Retry-After, which even a flush honours. */
  get retryAfterActive(): boolean {
    return this.retryAfter;
  }

  get lastError(): string | undefined {
    return this.error;
  }

  get lastErrorAt(): number | undefined {
    return this.errorAt;
  }

  get lastSentAt(): number | undefined {
    return this.sentAt;
  }

  /** Where batches go now (the regional endpoint after a redirect). */
  get endpoint(): string | undefined {
    return this.target;
  }

  /** The next attempt's time while backing off, for the stats; undefined when none is pending. */
  nextAttemptDue(): number | undefined {
    return this.consecutive > 0 && this.due > this.options.now() ? this.due : undefined;
  }

  state(mode: { readonly connected: boolean; readonly paused: boolean }): ForwardState {
    if (!mode.connected) return 'local-only';
    if (mode.paused) return 'paused';
    if (this.errorState) return 'error';
    if (this.consecutive > 0) return 'retrying';
    return 'forwarding';
  }

  /** A connection string was set: a new key or endpoint forgets the redirect; every wait ends. */
  connected(previous: ConnectionString | undefined, next: ConnectionString): void {
    if (!previous || previous.ingestionEndpoint !== next.ingestionEndpoint || previous.instrumentationKey !== next.instrumentationKey) {
      this.target = next.ingestionEndpoint;
      this.redirectsInARow = 0;
    }
    this.consecutive = 0;
    this.due = 0;
    this.retryAfter = false;
    this.modeChanged();
  }

  /** The connection string was cleared: nothing is sent, so nothing is failing. */
  disconnected(): void {
    this.target = undefined;
    this.modeChanged();
  }

  /** Paused, resumed, connection string set or cleared: an error shown until now is no longer current. */
  modeChanged(): void {
    this.errorState = false;
  }

  /** A flush tries at once, unless the service asked for the pause. */
  allowImmediateAttempt(): void {
    if (!this.retryAfter) this.due = 0;
  }

  /** An attempt is starting: a Retry-After wait, if any, is over. */
  attemptStarting(): void {
    this.retryAfter = false;
  }

  /** Nothing was sendable although items are counted: look again after the base delay, without counting a failure. */
  lookAgainLater(): void {
    this.due = this.options.now() + this.options.backoff.baseMs;
  }

  /** The service took the request; `note` (a partial drop) keeps the state at error with that text. */
  succeeded(note?: string): void {
    this.consecutive = 0;
    this.redirectsInARow = 0;
    this.sentAt = this.options.now();
    if (note) this.markError(note);
    else this.errorState = false;
  }

  /**
   * A transient failure: the items stay queued and the next attempt waits for Retry-After or the
   * backoff. `isError` marks an error state (refused redirect, token over http). Returns the wait.
   */
  failed(reason: string, retryAfterMs: number | undefined, isError = false): number {
    this.consecutive++;
    this.failureCount++;
    const delay = retryAfterMs ?? backoffDelay(this.consecutive, this.options.backoff, this.options.random);
    this.due = this.options.now() + delay;
    this.retryAfter = retryAfterMs !== undefined;
    this.record(reason);
    this.errorState = isError;
    return delay;
  }

  /** Items were dropped for good: not a retry, but the strip shows it as an error. */
  dropped(message: string): void {
    this.consecutive = 0;
    this.markError(message);
  }

  /** A 307/308: follow within the Azure Monitor domains and at most {@link MAX_CONSECUTIVE_REDIRECTS} in a row. */
  redirect(location: string | undefined, requestUrl: string, connectionString: ConnectionString | undefined): RedirectStep {
    const decision = decideRedirect(location, requestUrl, connectionString);
    if (!decision.ok) return { follow: false, reason: `redirect refused: ${decision.reason}` };
    this.redirectsInARow++;
    if (this.redirectsInARow > MAX_CONSECUTIVE_REDIRECTS) {
      this.redirectsInARow = 0;
      this.target = connectionString?.ingestionEndpoint;
      return { follow: false, reason: `more than ${MAX_CONSECUTIVE_REDIRECTS} consecutive redirects` };
    }
    const changed = decision.endpoint !== this.target;
    this.target = decision.endpoint;
    return { follow: true, endpoint: decision.endpoint, changed };
  }

  /** What a full queue tells the app to wait (seconds, 5–60): about until the next attempt. */
  retryAfterSecondsWhenFull(): number {
    const waitMs = this.due - this.options.now();
    return Math.min(60, Math.max(5, Math.ceil(waitMs / 1000)));
  }

  private markError(message: string): void {
    this.errorState = true;
    this.record(message);
  }

  private record(message: string): void {
    this.error = shortenRedacted(this.options.redact(message), MAX_LAST_ERROR_CHARS);
    this.errorAt = this.options.now();
  }
}
