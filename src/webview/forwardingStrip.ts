/**
 * The always-visible strip at the bottom: is telemetry forwarded to Azure Monitor, and how is it
 * going (accepted, sent, retrying, queued on disk, dropped, last error) — with pause/resume.
 */
import type { ForwardingStatus } from '../shared/messages';
import type { WebviewString } from '../shared/webviewStrings';
import { displayText, h, icon, setText, telemetryText } from './dom';
import { formatBytes, formatCount, formatTime } from './format';
import { t } from './l10n';
import type { DeliveryFilter } from './model/deliverySummary';
import type { SamplingSummary } from './model/sampling';
import type { HostConnection } from './vscodeApi';

const STATE_TEXT: Record<ForwardingStatus['state'], { text: WebviewString; icon: string }> = {
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
  private readonly sampling: HTMLElement;
  private readonly samplingText: HTMLElement;
  private renderedSampling: string | undefined;
  private readonly button: HTMLElement & { icon: string };
  private rendered: ForwardingStatus | undefined;
  private renderedRelay: string | undefined;

  /** `showDelivery`: the queued and dropped counts open Transactions filtered to those items (issue 19). */
  constructor(
    private readonly host: HostConnection,
    private readonly showDelivery?: (filter: DeliveryFilter) => void,
  ) {
    this.stateIcon = h('span', { class: 'strip-icon' });
    this.stateText = h('span', { class: 'strip-state' });
    this.counters = h('span', { class: 'strip-counters' });
    this.error = h('span', { class: 'strip-error', hidden: true });
    this.relay = h('span', { class: 'strip-relay' });
    this.samplingText = h('span', { class: 'sampling-text' });
    this.sampling = h(
      'span',
      { class: 'strip-sampling', hidden: true },
      icon('filter'),
      ' ',
      this.samplingText,
      ' ',
      h(
        'button',
        {
          type: 'button',
          class: 'counter-link run-without-sampling',
          title: t(
            "Apps you start from VS Code (new terminals, debug sessions) keep every trace: the SDK's sampler variables are set for them. You are asked first.",
          ),
          on: { click: () => this.host.post({ type: 'runWithoutSampling' }) },
        },
        t('Run without sampling'),
      ),
    );
    this.button = h(
      'vscode-toolbar-button',
      { class: 'strip-toggle', icon: 'debug-pause', label: t('Pause forwarding') },
      t('Pause forwarding'),
    ) as HTMLElement & { icon: string };
    this.button.addEventListener('click', () => {
      const paused = this.rendered?.state === 'paused';
      this.host.post({ type: 'setForwardingPaused', paused: !paused });
    });
    this.element = h(
      'footer',
      { class: 'forwarding-strip', role: 'status', 'aria-label': t('Forwarding to Azure Monitor') },
      this.stateIcon,
      this.stateText,
      this.counters,
      this.error,
      this.sampling,
      h('span', { class: 'strip-spacer' }),
      this.relay,
      this.button,
    );
  }

  /** Says when the app samples and how much the panel sees of its requests; offers a run without sampling (issue 19). */
  updateSampling(summary: SamplingSummary | undefined): void {
    const text = summary === undefined ? '' : samplingSentence(summary);
    if (text === this.renderedSampling) return;
    this.renderedSampling = text;
    this.sampling.hidden = text === '';
    setText(this.samplingText, text);
    this.samplingText.setAttribute('title', text);
  }

  update(status: ForwardingStatus, relayUrl: string | undefined): void {
    if (status === this.rendered && relayUrl === this.renderedRelay) return;
    this.rendered = status;
    this.renderedRelay = relayUrl;
    const state = STATE_TEXT[status.state] ?? STATE_TEXT.error;
    const stateText = t(state.text);
    this.element.dataset.state = status.state;
    this.stateIcon.replaceChildren(icon(state.icon));
    setText(this.stateText, status.endpoint && status.state === 'forwarding' ? t('Forwarding to {0}', hostOf(status.endpoint)) : stateText);
    // The last error stays in a tooltip after it stopped being current (a send succeeded, the mode changed).
    const lastErrorLine = status.lastErrorSeen
      ? t('Last error at {0}: {1}', formatTime(status.lastErrorSeen.at), displayText(status.lastErrorSeen.message))
      : undefined;
    const stateTitle = status.endpoint ? `${stateText}: ${displayText(status.endpoint)}` : stateText;
    this.stateText.setAttribute('title', lastErrorLine ? `${stateTitle}\n${lastErrorLine}` : stateTitle);
    // [label, value, extra, warn when above 0, the items it opens]
    const counters: [string, number, string | undefined, boolean, DeliveryFilter?][] = [
      [t('Accepted'), status.acceptedItems, undefined, false],
      [t('Sent'), status.sentItems, undefined, false],
      [t('Retrying'), status.retryingItems, undefined, true],
      [t('Queued on disk'), status.queuedItems, status.queuedBytes > 0 ? formatBytes(status.queuedBytes) : undefined, false, 'queued'],
      [t('Dropped'), status.droppedItems, undefined, true, 'dropped'],
    ];
    // Live Metrics is best effort: its own counters, never mixed into the items above.
    if (status.live) {
      counters.push(
        [t('Live Metrics sent'), status.live.sent, undefined, false],
        [t('Live Metrics failed'), status.live.failed, undefined, true],
      );
    }
    this.counters.replaceChildren(
      ...counters.map(([name, value, extra, warn, opens]) => {
        const content = [`${name} `, h('strong', null, formatCount(Number(value) || 0)), extra ? ` (${extra})` : ''];
        const classes = ['counter', value > 0 && warn ? 'warn' : ''];
        if (!opens || !this.showDelivery || !(value > 0)) return h('span', { class: classes }, ...content);
        const label = opens === 'dropped' ? t('Show the items dropped') : t('Show the items waiting on disk');
        return h(
          'button',
          {
            type: 'button',
            class: [...classes, 'counter-link'],
            'data-opens': opens,
            title: label,
            'aria-label': `${name} ${formatCount(Number(value) || 0)}: ${label}`,
            on: { click: () => this.showDelivery?.(opens) },
          },
          ...content,
        );
      }),
    );
    const lastError = status.lastError ?? status.live?.lastError;
    this.error.hidden = !lastError;
    if (lastError) {
      this.error.replaceChildren(icon('warning'), ' ', telemetryText(lastError));
      this.error.setAttribute('title', status.lastError && lastErrorLine ? lastErrorLine : displayText(lastError));
    }
    setText(this.relay, relayUrl ? t('Relay {0}', relayUrl) : '');
    const paused = status.state === 'paused';
    this.button.hidden = status.state === 'local-only';
    this.button.icon = paused ? 'debug-continue' : 'debug-pause';
    const action = paused ? t('Resume forwarding') : t('Pause forwarding');
    this.button.setAttribute('label', action);
    setText(this.button, action);
  }
}

function samplingSentence(summary: SamplingSummary): string {
  const kept = formatCount(summary.keptRequests);
  const represented = formatCount(summary.representedRequests);
  if (summary.fixedPercent !== undefined)
    return t('The app keeps {0}% of traces: {1} of about {2} requests kept', Number(summary.fixedPercent.toFixed(2)), kept, represented);
  if (summary.keptPerSecond !== undefined)
    return t(
      'The app samples at about {0} traces/s: {1} of about {2} requests kept',
      Number(summary.keptPerSecond.toFixed(1)),
      kept,
      represented,
    );
  return t('The app samples: {0} of about {1} requests kept', kept, represented);
}

function hostOf(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return endpoint;
  }
}
