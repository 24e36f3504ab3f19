/**
 * What the forwarder reports to the status bar and the panel's forwarding strip.
 * Plain Node: never import `vscode` here.
 */

import type { ForwardState } from '../../shared/forwarding';

export type { ForwardState } from '../../shared/forwarding';
export type { Disposable } from '../../shared/lifecycle';

export type { DropReason } from '../../shared/delivery';
import type { DropReason } from '../../shared/delivery';

export interface ForwardStats {
  /**
   * local-only: no connection string, nothing is queued; forwarding: sending or idle; retrying:
   * waiting to resend after a transient failure; paused: the user paused forwarding (items still
   * queue on disk); error: the last attempt lost data or was refused (see lastError).
   */
  readonly state: ForwardState;
  /** Items on disk waiting for the service (including those in flight). */
  readonly queuedItems: number;
  readonly queuedBytes: number;
  readonly queuedFiles: number;
  readonly maxDiskBytes: number;
  /** Items written to the queue since open. */
  readonly acceptedItems: number;
  /** Items the service accepted since open. */
  readonly sentItems: number;
  /** Item sends that failed transiently and will be (or were) repeated. */
  readonly retriedItems: number;
  readonly droppedItems: number;
  readonly droppedByReason: Readonly<Partial<Record<DropReason, number>>>;
  /** Requests the queue refused because the disk cap was reached (the app got 503). */
  readonly refusedFull: number;
  readonly requests: number;
  readonly consecutiveFailures: number;
  /**
   * The most recent error, redacted (never contains a key). Current while the state is `retrying`
   * or `error`; after a successful send or a change of mode it is history (the strip's tooltip).
   */
  readonly lastError?: string;
  readonly lastErrorAt?: number;
  readonly lastSentAt?: number;
  /** When the next attempt is due while retrying (epoch ms). */
  readonly nextAttemptAt?: number;
  /** Where batches go now (the regional endpoint after a redirect); no key in it. */
  readonly endpoint?: string;
}
