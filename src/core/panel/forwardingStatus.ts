/**
 * The forwarder's statistics → the forwarding strip's status. Plain Node: never import `vscode` here.
 */
import type { ForwardingStatus, LiveForwardingStatus } from '../../shared/messages';
import type { ForwardStats } from '../forward/forwardStats';
import type { LiveProxyStats } from '../live/liveMetricsProxy';

/** The Live Metrics proxy's statistics → the strip's live part (undefined when not forwarding). */
export function toLiveForwardingStatus(stats: LiveProxyStats | undefined): LiveForwardingStatus | undefined {
  if (!stats || stats.state === 'off') return undefined;
  const status: { -readonly [K in keyof LiveForwardingStatus]: LiveForwardingStatus[K] } = { portalWatching: stats.portalWatching, sent: stats.sent, failed: stats.failed };
  if (stats.lastError !== undefined && stats.state === 'failing') status.lastError = stats.lastError;
  return status;
}

export function toForwardingStatus(stats: ForwardStats, live?: LiveProxyStats): ForwardingStatus {
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
  const liveStatus = toLiveForwardingStatus(live);
  if (liveStatus) status.live = liveStatus;
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
