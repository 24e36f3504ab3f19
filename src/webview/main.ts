/**
 * Browser side of the live telemetry panel. Foundation stage: it announces itself to the host.
 * Telemetry text is always rendered with textContent, never as HTML.
 */
import type { HostToWebview, WebviewToHost } from '../shared/messages';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const status = document.getElementById('status');
  if (status && event.data?.type === 'hello') {
    status.textContent = `Connected to Azure Monitor for Python ${event.data.version}`;
  }
});
vscode.postMessage({ type: 'ready' });
