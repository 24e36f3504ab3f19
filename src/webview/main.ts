/**
 * Browser entry of the live telemetry panel. Validates every host message before it reaches the
 * app (telemetry text is untrusted and is only ever rendered as text), then says `ready` so the
 * host sends its snapshot.
 */
import { isHostToWebview } from '../shared/messages';
import { PanelApp } from './app';
import './elements';
import { HostConnection } from './vscodeApi';

/** @vscode-elements icons need the codicon stylesheet on the page with this id; add it if the host did not. */
function ensureCodiconStylesheet(scriptSrc: string | undefined): void {
  if (document.getElementById('vscode-codicon-stylesheet') || !scriptSrc) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.id = 'vscode-codicon-stylesheet';
  link.href = new URL('codicon.css', scriptSrc).toString();
  document.head.appendChild(link);
}

const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src;

function start(): void {
  ensureCodiconStylesheet(scriptSrc);
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const host = new HostConnection();
  const app = new PanelApp(root, host);
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostToWebview(event.data)) app.receive(event.data);
  });
  host.post({ type: 'ready' });
  app.announceVisibleView();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
