/** Entry of `dist/relay.js` (see ../lazy.ts): what starting the relay needs, loaded on its first start. */
export { ForwardQueue } from '../../core/forward';
export { LiveMetricsProxy } from '../../core/live';
export { RelayServer } from '../../core/relay/relayServer';
export { LiveSamples } from '../../core/relay/liveSamples';
export { TelemetryStore } from '../../core/store/telemetryStore';
export { RelayHost } from '../../core/host/relayHost';
