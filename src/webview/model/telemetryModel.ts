/**
 * Everything the panel knows, kept in structures that make a frame cheap: items by seq (a Map keeps
 * arrival order), logs and spans as append-only sequences, operations indexed by id, metric series
 * by name, live rates by second. The host's ring buffers decide what lives; `evict` follows them.
 */
import type { ItemDelivery } from '../../shared/delivery';
import type { ForwardingStatus, LiveDocument, LiveSample, PanelItem } from '../../shared/messages';
import { IDLE_FORWARDING_STATUS } from '../../shared/forwarding';
import { isTableName } from '../../shared/telemetryItem';
import { isLogTable, isSpanTable } from './correlation';
import { GenAiTokenUsage } from './genaiUsage';
import { ItemSequence } from './itemSequence';
import { LiveRates } from './liveRates';
import { MetricSeriesIndex } from './metricSeries';
import { OperationIndex } from './operationIndex';

const MAX_LIVE_DOCUMENTS = 200;

export class TelemetryModel {
  private readonly bySeq = new Map<number, PanelItem>();
  readonly logs = new ItemSequence();
  readonly spans = new ItemSequence();
  readonly operations = new OperationIndex();
  readonly metrics = new MetricSeriesIndex();
  /** GenAI token counts per model (issue 19), for the Metrics view. */
  readonly genaiUsage = new GenAiTokenUsage();
  readonly live = new LiveRates();
  /** Sample documents of Live Metrics posts, newest last (the host keeps at most a few hundred). */
  liveDocuments: LiveDocument[] = [];
  /** Bumps when liveDocuments changed. */
  liveDocumentsRevision = 0;
  readonly roles = new Set<string>();
  /** The idle status both sides share, until the host's first status. */
  forwarding: ForwardingStatus = IDLE_FORWARDING_STATUS;
  relayUrl: string | undefined;
  /** Bumps on any change to items. */
  revision = 0;
  /** Bumps when an item's delivery state changed (issue 19). */
  deliveryRevision = 0;
  /** Bumps when everything was replaced (snapshot, clear). */
  resetRevision = 0;
  /** Highest seq ever applied. */
  lastSeq = 0;
  /** False until the first snapshot arrives. */
  hasSnapshot = false;

  private readonly isAlive = (item: PanelItem): boolean => this.bySeq.get(item.seq) === item;

  get itemCount(): number {
    return this.bySeq.size;
  }

  has(item: PanelItem): boolean {
    return this.isAlive(item);
  }

  get(seq: number): PanelItem | undefined {
    return this.bySeq.get(seq);
  }

  clear(): void {
    this.bySeq.clear();
    this.logs.clear();
    this.spans.clear();
    this.operations.clear();
    this.metrics.clear();
    this.genaiUsage.clear();
    this.live.clear();
    this.liveDocuments = [];
    this.liveDocumentsRevision++;
    this.roles.clear();
    this.revision++;
    this.resetRevision++;
  }

  add(items: Iterable<PanelItem>): void {
    let added = 0;
    for (const item of items) {
      if (!isPanelItem(item) || this.bySeq.has(item.seq)) continue;
      this.bySeq.set(item.seq, item);
      if (item.seq > this.lastSeq) this.lastSeq = item.seq;
      if (typeof item.role === 'string' && item.role !== '') this.roles.add(item.role);
      if (isLogTable(item.table)) this.logs.push(item);
      else if (isSpanTable(item.table)) this.spans.push(item);
      if (item.table === 'customMetrics') this.metrics.add(item);
      else this.operations.add(item);
      if (item.genai) this.genaiUsage.add(item);
      this.live.addItem(item);
      added++;
    }
    if (added > 0) this.revision++;
  }

  /**
   * Items older than every item here, ascending by seq (a screenful-first snapshot's backfill,
   * issue 20): the result equals having added them first.
   */
  addOlder(items: readonly PanelItem[]): void {
    const fresh: PanelItem[] = [];
    const logs: PanelItem[] = [];
    const spans: PanelItem[] = [];
    for (const item of items) {
      if (!isPanelItem(item) || this.bySeq.has(item.seq)) continue;
      this.bySeq.set(item.seq, item);
      fresh.push(item);
      if (item.seq > this.lastSeq) this.lastSeq = item.seq;
      if (typeof item.role === 'string' && item.role !== '') this.roles.add(item.role);
      if (isLogTable(item.table)) logs.push(item);
      else if (isSpanTable(item.table)) spans.push(item);
      if (item.table === 'customMetrics') this.metrics.add(item);
      if (item.genai) this.genaiUsage.add(item);
      this.live.addItem(item);
    }
    if (fresh.length === 0) return;
    this.logs.insertOlder(logs);
    this.spans.insertOlder(spans);
    this.operations.addOlder(fresh);
    this.revision++;
  }

  evict(seqs: Iterable<number>): void {
    const removed: PanelItem[] = [];
    let logs = 0;
    let spans = 0;
    for (const seq of seqs) {
      const item = this.bySeq.get(seq);
      if (!item) continue;
      this.bySeq.delete(seq);
      removed.push(item);
      if (isLogTable(item.table)) logs++;
      else if (isSpanTable(item.table)) spans++;
    }
    if (removed.length === 0) return;
    this.logs.markEvicted(logs, this.isAlive);
    this.spans.markEvicted(spans, this.isAlive);
    this.operations.remove(removed);
    this.metrics.remove(removed.filter((item) => item.table === 'customMetrics'));
    this.genaiUsage.remove(removed);
    this.revision++;
  }

  /** The host's later outcomes for items shown already (sent, dropped): the item objects change in place. */
  updateDeliveries(deliveries: ReadonlyMap<number, ItemDelivery>): void {
    let changed = 0;
    for (const [seq, delivery] of deliveries) {
      const item = this.bySeq.get(seq);
      if (!item) continue;
      (item as { delivery?: ItemDelivery }).delivery = delivery;
      changed++;
    }
    if (changed === 0) return;
    this.deliveryRevision++;
    this.revision++;
  }

  addLive(samples: readonly LiveSample[]): void {
    this.live.addSamples(samples);
  }

  /** `replace`: a snapshot's documents; otherwise a delta's, appended. */
  addLiveDocuments(documents: unknown, replace: boolean): void {
    if (!Array.isArray(documents)) {
      if (replace && this.liveDocuments.length > 0) {
        this.liveDocuments = [];
        this.liveDocumentsRevision++;
      }
      return;
    }
    const valid = documents.filter(
      (document): document is LiveDocument =>
        typeof document === 'object' &&
        document !== null &&
        typeof (document as LiveDocument).title === 'string' &&
        typeof (document as LiveDocument).kind === 'string',
    );
    this.liveDocuments = (replace ? valid : [...this.liveDocuments, ...valid]).slice(-MAX_LIVE_DOCUMENTS);
    this.liveDocumentsRevision++;
  }
}

/** Cheap structural check: rendering code may rely on these three fields. */
function isPanelItem(value: unknown): value is PanelItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return typeof item.seq === 'number' && typeof item.time === 'number' && isTableName(item.table);
}
