/**
 * The forwarder's statistics → the forwarding strip's status. Plain Node: never import `vscode` here.
 */
import { isFailingState } from '../../shared/forwarding';
import type { ForwardingStatus, LiveForwardingStatus } from '../../shared/messages';
import type { ForwardStats } from '../forward/forwardStats';
import type { LiveProxyStats } from '../live/liveMetricsProxy';

/** The Live Metrics proxy's statistics → the strip's live part (undefined when not forwarding). */
export function toLiveForwardingStatus(stats: LiveProxyStats | undefined): LiveForwardingStatus | undefined {
  if (!stats || stats.state === 'off') return undefined;
  const status: { -readonly [K in keyof LiveForwardingStatus]: LiveForwardingStatus[K] } = {
    portalWatching: stats.portalWatching,
    sent: stats.sent,
    failed: stats.failed,
  };
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
  // Shown on the strip only while it is current; afterwards it stays in the tooltip (and the log).
  if (stats.lastError !== undefined && isFailingState(stats.state)) status.lastError = stats.lastError;
  if (stats.lastError !== undefined && stats.lastErrorAt !== undefined)
    status.lastErrorSeen = { message: stats.lastError, at: stats.lastErrorAt };
  if (stats.endpoint !== undefined) status.endpoint = stats.endpoint;
  const liveStatus = toLiveForwardingStatus(live);
  if (liveStatus) status.live = liveStatus;
  return status;
}

export { IDLE_FORWARDING_STATUS } from '../../shared/forwarding';
