/** Live Metrics (QuickPulse) while forwarding: the relay's proxy to the real Live Metrics service. */
export { LiveMetricsProxy, withRealKey, DEFAULT_PING_INTERVAL_MS } from './liveMetricsProxy';
export type { LiveAnswer, LiveExchange, LiveMetricsProxyOptions, LiveOperation, LiveProxyStats, LiveUpstream } from './liveMetricsProxy';
export { decideLiveRedirect } from './liveRedirect';
export type { LiveRedirectDecision } from './liveRedirect';
export { LiveDocuments, parseLiveDocuments, DEFAULT_LIVE_DOCUMENT_CAPACITY } from './liveDocuments';
export type { LiveDocument } from './liveDocuments';
