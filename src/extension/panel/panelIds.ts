/** The panel's view type, shared by the activation-time registration and the panel host (separate bundles). */
export const LIVE_TELEMETRY_VIEW_TYPE = 'azureMonitorPython.liveTelemetry';
