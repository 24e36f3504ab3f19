/**
 * The forwarder's statistics → the forwarding strip's status. Plain Node: never import `vscode` here.
 */
import type { ForwardingStatus } from '../../shared/messages';
import type { ForwardStats } from '../forward/forwardStats';

export function toForwardingStatus(stats: ForwardStats): ForwardingStatus {
  const status: { -readonly [K in keyof ForwardingStatus]: ForwardingStatus[K] } = {
    state: stats.state,
    acceptedItems: stats.acceptedItems,
    sentItems: stats.sentItems,
    // While retrying, everything queued is waiting for the next attempt.
    retryingItems: stats.state === 'retrying' ? stats.queuedItems : 0,
    queuedItems: stats.queuedItems,
    queuedBytes: stats.queuedBytes,
    droppedItems: stats.droppedItems,
  };
  if (stats.lastError !== undefined) status.lastError = stats.lastError;
  if (stats.endpoint !== undefined) status.endpoint = stats.endpoint;
  return status;
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
