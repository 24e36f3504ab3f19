/**
 * The relay pipeline as one object (RelayHost) and what its callers need with it: the one entry
 * point the CLI and the extension use to run the relay.
 */
export { RelayHost, SHUTDOWN_TIMEOUT_MS } from './relayHost';
export type { HostForwarder } from './hostSink';
export type { RelayHistoryOptions, RelayHostOptions, RelayHostSettings } from './relayHost';
export { plannedEnvironment } from './environment';
export type { HostEnvironment } from './environment';
export { appAddresses, LOCAL_KEY_HEADER } from '../relay/appAddresses';
export type { AppAddresses } from '../relay/appAddresses';
export { KEY_GRACE_MS, RelayIdentityStore, renewKey } from '../relay/relayIdentity';
export type { IdentityState, RelayIdentity } from '../relay/relayIdentity';
export type { KeyUse, RelayLog, RelayLogLevel } from '../relay/relayContext';
export type { RelayServer } from '../relay/relayServer';
export type { ForwardStats } from '../forward/forwardStats';
export type { LiveMetricsProxy } from '../live/liveMetricsProxy';
export type { TelemetryStore } from '../store/telemetryStore';
export { parseConnectionString } from '../connectionString';
export type { ConnectionString } from '../connectionString';
