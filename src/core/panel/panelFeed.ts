/**
 * What one loaded webview receives: a snapshot of the store when it says `ready`, then batched
 * deltas (store changes, about every 100 ms, with the Live Metrics samples that arrived meanwhile)
 * and throttled forwarding status. One feed per webview load; a hidden webview (no
 * retainContextWhenHidden) is destroyed, so its feed is disposed and a fresh one starts on the next
 * `ready`. Plain Node: never import `vscode` here.
 */
import type { ForwardingStatus, HostToWebview, LiveDocument, LiveSample as PanelLiveSample } from '../../shared/messages';
import type { ForwardStats } from '../forward/forwardStats';
import type { Disposable } from '../../shared/lifecycle';
import type { LiveProxyStats } from '../live/liveMetricsProxy';
import type { LiveSample, LiveSamples } from '../relay/liveSamples';
import { DEFAULT_CHANGE_INTERVAL_MS, StoreChange } from '../store/changeFeed';
import type { TelemetryStore } from '../store/telemetryStore';
import { IDLE_FORWARDING_STATUS } from '../../shared/forwarding';
import { toForwardingStatus } from './forwardingStatus';
import { isShownInPanel, PanelItemOptions, toPanelItems } from './panelItem';

/** The part of the forward queue the panel uses. */
export interface ForwardControl {
  stats(): ForwardStats;
  onStats(listener: (stats: ForwardStats) => void): Disposable;
  pause(): unknown;
  resume(): unknown;
}

export interface PanelSource {
  readonly store: Pick<TelemetryStore, 'snapshot' | 'subscribe'>;
  readonly liveSamples: Pick<LiveSamples, 'snapshot' | 'subscribe'>;
  /** Sample documents of Live Metrics posts. */
  readonly liveDocuments?: { snapshot(): LiveDocument[]; subscribe(listener: (added: readonly LiveDocument[]) => void): Disposable };
  readonly forward?: Pick<ForwardControl, 'stats' | 'onStats'>;
  /** The Live Metrics proxy: its counters and "portal watching" ride on the forwarding status. */
  readonly live?: { stats(): LiveProxyStats; onStats(listener: (stats: LiveProxyStats) => void): Disposable };
  readonly relayUrl?: string;
  /** Read at each message: false hides GenAI message content (the setting; issue 19). Default shown. */
  readonly genAiContent?: () => boolean;
}

export interface PanelFeedOptions {
  /** Minimum time between two deltas. Default 100 ms. */
  readonly intervalMs?: number;
  /** Minimum time between two forwarding updates. Default 250 ms. */
  readonly forwardingIntervalMs?: number;
}

export function snapshotMessage(source: PanelSource): Extract<HostToWebview, { type: 'snapshot' }> {
  const message = {
    type: 'snapshot' as const,
    items: toPanelItems(source.store.snapshot(), { genAiContent: source.genAiContent?.() }),
    live: source.liveSamples.snapshot().map(toPanelLiveSample),
    forwarding: forwardingOf(source),
  };
  const documents = source.liveDocuments?.snapshot() ?? [];
  const withDocuments = documents.length > 0 ? { ...message, liveDocuments: documents } : message;
  return source.relayUrl !== undefined ? { ...withDocuments, relayUrl: source.relayUrl } : withDocuments;
}

export function deltaMessage(
  change: StoreChange | undefined,
  live: readonly LiveSample[],
  liveDocuments: readonly LiveDocument[] = [],
  options: PanelItemOptions = {},
): Extract<HostToWebview, { type: 'delta' }> {
  const deliveries =
    change?.updated
      ?.filter((item) => item.delivery !== undefined && isShownInPanel(item))
      .map((item) => ({ seq: item.seq, delivery: item.delivery! })) ?? [];
  const base = {
    type: 'delta' as const,
    added: change ? toPanelItems(change.added, options) : [],
    evicted: change ? [...change.evicted] : [],
    live: live.map(toPanelLiveSample),
  };
  const message = deliveries.length > 0 ? { ...base, deliveries } : base;
  const withDocuments = liveDocuments.length > 0 ? { ...message, liveDocuments: [...liveDocuments] } : message;
  return change?.cleared ? { ...withDocuments, cleared: true } : withDocuments;
}

export function toPanelLiveSample(sample: LiveSample): PanelLiveSample {
  const result: { -readonly [K in keyof PanelLiveSample]: PanelLiveSample[K] } = {
    time: sample.time,
    metrics: sample.metrics.map((metric) =>
      metric.weight !== undefined
        ? { name: metric.name, value: metric.value, weight: metric.weight }
        : { name: metric.name, value: metric.value },
    ),
  };
  if (sample.role !== undefined) result.role = sample.role;
  if (sample.instance !== undefined) result.instance = sample.instance;
  return result;
}

function forwardingOf(source: PanelSource): ForwardingStatus {
  return source.forward ? toForwardingStatus(source.forward.stats(), source.live?.stats()) : IDLE_FORWARDING_STATUS;
}

export class PanelFeed implements Disposable {
  private readonly subscriptions: Disposable[] = [];
  private pendingLive: LiveSample[] = [];
  private pendingDocuments: LiveDocument[] = [];
  private liveTimer: NodeJS.Timeout | undefined;
  private forwardingTimer: NodeJS.Timeout | undefined;
  private lastForwarding = Number.NEGATIVE_INFINITY;
  private disposed = false;
  private readonly intervalMs: number;
  private readonly forwardingIntervalMs: number;

  constructor(
    private readonly source: PanelSource,
    private readonly post: (message: HostToWebview) => void,
    options: PanelFeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CHANGE_INTERVAL_MS;
    this.forwardingIntervalMs = options.forwardingIntervalMs ?? 250;
  }

  /** Posts the snapshot and starts the deltas; synchronous, so no change falls between the two. */
  start(): void {
    if (this.disposed) return;
    this.post(snapshotMessage(this.source));
    this.subscriptions.push(
      this.source.store.subscribe((change) => this.sendDelta(change), { intervalMs: this.intervalMs }),
      this.source.liveSamples.subscribe((samples) => this.liveArrived(samples)),
    );
    if (this.source.liveDocuments) {
      this.subscriptions.push(this.source.liveDocuments.subscribe((documents) => this.liveArrived([], documents)));
    }
    if (this.source.forward) {
      this.subscriptions.push(this.source.forward.onStats(() => this.forwardingChanged()));
    }
    if (this.source.live) {
      this.subscriptions.push(this.source.live.onStats(() => this.forwardingChanged()));
    }
  }

  /** Sends the forwarding status now (after the user paused or resumed). */
  sendForwarding(): void {
    if (this.disposed) return;
    if (this.forwardingTimer) clearTimeout(this.forwardingTimer);
    this.forwardingTimer = undefined;
    this.lastForwarding = Date.now();
    this.post({ type: 'forwarding', status: forwardingOf(this.source) });
  }

  dispose(): void {
    this.disposed = true;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    if (this.forwardingTimer) clearTimeout(this.forwardingTimer);
    this.pendingLive = [];
    this.pendingDocuments = [];
  }

  private sendDelta(change: StoreChange | undefined): void {
    if (this.disposed) return;
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    const live = this.pendingLive;
    this.pendingLive = [];
    const documents = this.pendingDocuments;
    this.pendingDocuments = [];
    const message = deltaMessage(change, live, documents, { genAiContent: this.source.genAiContent?.() });
    if (
      message.added.length === 0 &&
      message.evicted.length === 0 &&
      message.live.length === 0 &&
      documents.length === 0 &&
      !message.cleared &&
      !('deliveries' in message)
    )
      return;
    this.post(message);
  }

  /** Samples ride along with the next store delta, or go alone after one interval. */
  private liveArrived(samples: readonly LiveSample[], documents: readonly LiveDocument[] = []): void {
    if (this.disposed) return;
    this.pendingLive.push(...samples);
    this.pendingDocuments.push(...documents);
    this.liveTimer ??= setTimeout(() => {
      this.liveTimer = undefined;
      this.sendDelta(undefined);
    }, this.intervalMs);
  }

  private forwardingChanged(): void {
    if (this.disposed || this.forwardingTimer) return;
    const wait = Math.max(0, this.lastForwarding + this.forwardingIntervalMs - Date.now());
    this.forwardingTimer = setTimeout(() => this.sendForwarding(), wait);
  }
}
