/** Entry of `dist/panel.js` (see ../lazy.ts): the Live Telemetry panel host, loaded when the panel is first used. */
export { LiveTelemetryPanel } from '../panel/liveTelemetryPanel';
