/**
 * The always-visible strip at the bottom: is telemetry forwarded to Azure Monitor, and how is it
 * going (accepted, sent, retrying, queued on disk, dropped, last error) — with pause/resume.
 */
import type { ForwardingStatus } from '../shared/messages';
import { h, icon, setText } from './dom';
import { formatBytes, formatCount } from './format';
import type { HostConnection } from './vscodeApi';

const STATE_TEXT: Record<ForwardingStatus['state'], { text: string; icon: string }> = {
  'local-only': { text: 'Local only — not forwarding (no connection string)', icon: 'device-desktop' },
  forwarding: { text: 'Forwarding to Azure Monitor', icon: 'cloud-upload' },
  retrying: { text: 'Forwarding — retrying', icon: 'sync' },
  paused: { text: 'Forwarding paused', icon: 'debug-pause' },
  error: { text: 'Forwarding failing', icon: 'error' },
};

export class ForwardingStrip {
  readonly element: HTMLElement;
  private readonly stateIcon: HTMLElement;
  private readonly stateText: HTMLElement;
  private readonly counters: HTMLElement;
  private readonly error: HTMLElement;
  private readonly relay: HTMLElement;
  private readonly button: HTMLElement & { icon: string };
  private rendered: ForwardingStatus | undefined;
  private renderedRelay: string | undefined;

  constructor(private readonly host: HostConnection) {
    this.stateIcon = h('span', { class: 'strip-icon' });
    this.stateText = h('span', { class: 'strip-state' });
    this.counters = h('span', { class: 'strip-counters' });
    this.error = h('span', { class: 'strip-error', hidden: true });
    this.relay = h('span', { class: 'strip-relay' });
    this.button = h('vscode-toolbar-button', { class: 'strip-toggle', icon: 'debug-pause', label: 'Pause forwarding' }, 'Pause forwarding') as HTMLElement & { icon: string };
    this.button.addEventListener('click', () => {
      const paused = this.rendered?.state === 'paused';
      this.host.post({ type: 'setForwardingPaused', paused: !paused });
    });
    this.element = h('footer', { class: 'forwarding-strip', role: 'status', 'aria-label': 'Forwarding to Azure Monitor' }, this.stateIcon, this.stateText, this.counters, this.error, h('span', { class: 'strip-spacer' }), this.relay, this.button);
  }

  update(status: ForwardingStatus, relayUrl: string | undefined): void {
    if (status === this.rendered && relayUrl === this.renderedRelay) return;
    this.rendered = status;
    this.renderedRelay = relayUrl;
    const state = STATE_TEXT[status.state] ?? STATE_TEXT.error;
    this.element.dataset.state = status.state;
    this.stateIcon.replaceChildren(icon(state.icon));
    setText(this.stateText, status.endpoint && status.state === 'forwarding' ? `Forwarding to ${hostOf(status.endpoint)}` : state.text);
    this.stateText.setAttribute('title', status.endpoint ? `${state.text}: ${status.endpoint}` : state.text);
    const counters: [string, number, string?][] = [
      ['Accepted', status.acceptedItems],
      ['Sent', status.sentItems],
      ['Retrying', status.retryingItems],
      ['Queued on disk', status.queuedItems, status.queuedBytes > 0 ? formatBytes(status.queuedBytes) : undefined],
      ['Dropped', status.droppedItems],
    ];
    this.counters.replaceChildren(
      ...counters.map(([name, value, extra]) =>
        h('span', { class: ['counter', value > 0 && (name === 'Dropped' || name === 'Retrying') ? 'warn' : ''] }, `${name} `, h('strong', null, formatCount(Number(value) || 0)), extra ? ` (${extra})` : ''),
      ),
    );
    this.error.hidden = !status.lastError;
    if (status.lastError) {
      this.error.replaceChildren(icon('warning'), ` ${status.lastError}`);
      this.error.setAttribute('title', status.lastError);
    }
    setText(this.relay, relayUrl ? `Relay ${relayUrl}` : '');
    const paused = status.state === 'paused';
    this.button.hidden = status.state === 'local-only';
    this.button.icon = paused ? 'debug-continue' : 'debug-pause';
    this.button.setAttribute('label', paused ? 'Resume forwarding' : 'Pause forwarding');
    setText(this.button, paused ? 'Resume forwarding' : 'Pause forwarding');
  }
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
