/**
 * What one loaded webview receives: a snapshot of the store when it says `ready`, then batched
 * deltas (store changes, about every 100 ms, with the Live Metrics samples that arrived meanwhile)
 * and throttled forwarding status. One feed per webview load; a hidden webview (no
 * retainContextWhenHidden) is destroyed, so its feed is disposed and a fresh one starts on the next
 * `ready`. Plain Node: never import `vscode` here.
 */
import type { ForwardingStatus, HostToWebview, LiveDocument, LiveSample as PanelLiveSample, PanelItem } from '../../shared/messages';
import type { ForwardStats } from '../forward/forwardStats';
import type { Disposable } from '../../shared/lifecycle';
import type { LiveProxyStats } from '../live/liveMetricsProxy';
import { PacedAction } from '../pacedAction';
import type { LiveSample, LiveSamples } from '../relay/liveSamples';
import { DEFAULT_CHANGE_INTERVAL_MS, StoreChange } from '../store/changeFeed';
import type { TelemetryStore } from '../store/telemetryStore';
import { IDLE_FORWARDING_STATUS } from '../../shared/forwarding';
import { toForwardingStatus } from './forwardingStatus';
import { isShownInPanel, PanelItemOptions, toPanelItem, toPanelItems } from './panelItem';
import type { TelemetryItem } from '../../shared/telemetryItem';

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
  /** Items in the first snapshot message when the store holds more (screenful first). Default SNAPSHOT_HEAD_ITEMS. */
  readonly snapshotHeadItems?: number;
  /** Items per `snapshotChunk`. Default SNAPSHOT_CHUNK_ITEMS. */
  readonly snapshotChunkItems?: number;
}

/**
 * Issue 20: 100k items are 37 MB of JSON, and one message that size kept the panel blank for a
 * second. A bigger store is sent screenful first: the newest items (every view's first screen) in
 * the snapshot, then the older ones in chunks, one per event-loop turn, so deltas interleave.
 */
export const SNAPSHOT_HEAD_ITEMS = 2000;
export const SNAPSHOT_CHUNK_ITEMS = 5000;

/** Unique per host process: a webview tells a new snapshot's chunks from an abandoned one's. */
let lastBackfillId = 0;

/** Older items still owed to the webview, sent chunk by chunk. */
interface PendingBackfill {
  readonly id: number;
  /** The store's items older than the snapshot's, in seq order (unfiltered: filtered as they are sent). */
  readonly items: readonly TelemetryItem[];
  /** The snapshot's oldest seq: every backfilled item is below it. */
  readonly boundarySeq: number;
  next: number;
  /** Shown items not sent yet. */
  remaining: number;
  /** Items the store evicted meanwhile: never sent. */
  readonly evicted: Set<number>;
  timer?: NodeJS.Immediate;
}

/**
 * The snapshot with at most `headItems` of the newest shown items, and the older store items the
 * chunks must still bring (empty when everything fit).
 */
export function screenfulSnapshotMessage(
  source: PanelSource,
  headItems: number,
): { message: Extract<HostToWebview, { type: 'snapshot' }>; older: TelemetryItem[]; olderShown: number } {
  const all = source.store.snapshot();
  let start = all.length;
  let shown = 0;
  while (start > 0 && shown < headItems) if (isShownInPanel(all[--start]!)) shown++;
  const older = all.slice(0, start);
  let olderShown = 0;
  for (const item of older) if (isShownInPanel(item)) olderShown++;
  return { message: buildSnapshot(source, all.slice(start)), older: olderShown > 0 ? older : [], olderShown };
}

export function snapshotMessage(source: PanelSource): Extract<HostToWebview, { type: 'snapshot' }> {
  return buildSnapshot(source, source.store.snapshot());
}

function buildSnapshot(source: PanelSource, storeItems: readonly TelemetryItem[]): Extract<HostToWebview, { type: 'snapshot' }> {
  const message = {
    type: 'snapshot' as const,
    items: toPanelItems(storeItems, { genAiContent: source.genAiContent?.() }),
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
  /** The forwarding status, at most every `forwardingIntervalMs` (default 250 ms). */
  private readonly forwarding: PacedAction;
  private disposed = false;
  private readonly intervalMs: number;
  private readonly snapshotHeadItems: number;
  private readonly snapshotChunkItems: number;
  private backfill: PendingBackfill | undefined;

  constructor(
    private readonly source: PanelSource,
    private readonly post: (message: HostToWebview) => void,
    options: PanelFeedOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CHANGE_INTERVAL_MS;
    this.forwarding = new PacedAction(options.forwardingIntervalMs ?? 250, () =>
      this.post({ type: 'forwarding', status: forwardingOf(this.source) }),
    );
    this.snapshotHeadItems = Math.max(1, options.snapshotHeadItems ?? SNAPSHOT_HEAD_ITEMS);
    this.snapshotChunkItems = Math.max(1, options.snapshotChunkItems ?? SNAPSHOT_CHUNK_ITEMS);
  }

  /** Posts the snapshot and starts the deltas; synchronous, so no change falls between the two. */
  start(): void {
    if (this.disposed) return;
    const { message, older, olderShown } = screenfulSnapshotMessage(this.source, this.snapshotHeadItems);
    if (older.length > 0) {
      const backfill: PendingBackfill = {
        id: ++lastBackfillId,
        items: older,
        boundarySeq: message.items[0]?.seq ?? Number.MAX_SAFE_INTEGER,
        next: 0,
        remaining: olderShown,
        evicted: new Set(),
      };
      this.backfill = backfill;
      this.post({ ...message, backfill: { id: backfill.id, remaining: olderShown } });
      backfill.timer = setImmediate(() => this.sendChunk());
    } else {
      this.post(message);
    }
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
    this.forwarding.runNow();
  }

  dispose(): void {
    this.disposed = true;
    this.stopBackfill();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.forwarding.dispose();
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
    const backfill = this.backfill;
    if (backfill && change?.cleared) this.stopBackfill();
    else if (backfill && change) for (const seq of change.evicted) if (seq < backfill.boundarySeq) backfill.evicted.add(seq);
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

  /** Posts the next chunk of older items (converted now, so it carries their current delivery state). */
  private sendChunk(): void {
    const backfill = this.backfill;
    if (!backfill || this.disposed) return;
    backfill.timer = undefined;
    const options = { genAiContent: this.source.genAiContent?.() };
    const items: PanelItem[] = [];
    while (backfill.next < backfill.items.length && items.length < this.snapshotChunkItems) {
      const item = backfill.items[backfill.next++]!;
      if (!isShownInPanel(item)) continue;
      backfill.remaining--;
      if (!backfill.evicted.has(item.seq)) items.push(toPanelItem(item, options));
    }
    if (backfill.next >= backfill.items.length) {
      backfill.remaining = 0;
      this.backfill = undefined;
    } else {
      backfill.timer = setImmediate(() => this.sendChunk());
    }
    this.post({ type: 'snapshotChunk', id: backfill.id, items, remaining: backfill.remaining });
  }

  /** The store was cleared or the feed ends: the older items are no longer owed. */
  private stopBackfill(): void {
    if (this.backfill?.timer) clearImmediate(this.backfill.timer);
    this.backfill = undefined;
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
    if (this.disposed) return;
    this.forwarding.request();
  }
}
