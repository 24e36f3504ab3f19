/**
 * The forwarding vocabulary the relay, the extension and the panel share: the forwarder's states
 * and the status shown before a relay runs. No `vscode`, no Node built-ins (the webview imports it).
 */
import type { ForwardingStatus } from './messages';

/**
 * local-only: no connection string, nothing is queued; forwarding: sending or idle; retrying:
 * waiting to resend after a transient failure; paused: the user paused forwarding (items still
 * queue on disk); error: the last attempt lost data or was refused.
 */
export type ForwardState = 'local-only' | 'forwarding' | 'retrying' | 'paused' | 'error';

/** States in which the forwarder's last error is still current (shown on the strip, not only in its tooltip). */
export function isFailingState(state: ForwardState): boolean {
  return state === 'retrying' || state === 'error';
}

/** Before the relay has started (or when it failed to): nothing forwarded, nothing queued. */
export const IDLE_FORWARDING_STATUS: ForwardingStatus = {
  state: 'local-only',
  acceptedItems: 0,
  sentItems: 0,
  retryingItems: 0,
  queuedItems: 0,
  queuedBytes: 0,
  droppedItems: 0,
};
