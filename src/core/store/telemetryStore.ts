/**
 * The in-memory telemetry the panel shows: bounded ring buffers per role and per kind (traces,
 * logs, metrics), so one noisy process cannot evict another's items (Aspire #4173), an index by
 * operation id kept in step with eviction, and batched change feeds for the webview.
 * Every insert is O(1) (amortised); memory is bounded by the caps times the number of roles (the
 * number of roles is capped too) and by a byte budget over all of them: each item's approximate
 * size is summed while it is normalised (fields already cut to Azure's limits), and past the
 * budget the oldest items of the buffer holding the most bytes go first, so a noisy role pays for
 * its own noise. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import type { DeliveryReceipt, DeliverySource, DeliveryUpdate } from '../sink';
import type { Disposable } from '../../shared/lifecycle';
import { deliveryOfOutcome, LOCAL_ONLY, QUEUED } from './delivery';
import { ChangeBatcher, ChangeListener, SubscribeOptions, Subscription } from './changeFeed';
import { normaliseEnvelope } from './normalise';
import { RingBuffer } from './ringBuffer';
import { ItemKind, TABLE_KIND, TelemetryItem } from './telemetryItem';

export interface TelemetryStoreOptions {
  /** requests, dependencies, page views, availability results. Default 10,000 per role. */
  readonly maxTraceItemsPerRole?: number;
  /** traces, exceptions, custom events. Default 10,000 per role. */
  readonly maxLogItemsPerRole?: number;
  /** customMetrics items. Default 50,000 per role. */
  readonly maxMetricPointsPerRole?: number;
  /** Roles beyond this share one overflow buffer set. Default 64. */
  readonly maxRoles?: number;
  /** Approximate bytes all items may hold together. Default 256 MiB. */
  readonly maxBytes?: number;
}

/** Where a batch came from: the relay, an imported file (named), or the history restoring a run (not recorded again). */
export interface EnvelopeOrigin {
  readonly source: 'relay' | 'imported' | 'history';
  readonly name?: string;
  /**
   * The request body the relay parsed the batch from (a JSON array of exactly these envelopes),
   * given only when every item of it was accepted unchanged: the history stores it as it is
   * instead of serialising the envelopes again. Read-only for listeners.
   */
  readonly body?: Uint8Array;
}

export type EnvelopeListener = (envelopes: readonly Envelope[], origin: EnvelopeOrigin) => void;

export const STORE_DEFAULTS = {
  maxTraceItemsPerRole: 10_000,
  maxLogItemsPerRole: 10_000,
  maxMetricPointsPerRole: 50_000,
  maxRoles: 64,
  maxBytes: 256 * 1024 * 1024,
} as const;

/** Buffer key for items without `ai.cloud.role` (the Python legacy SDK sends none). */
const UNNAMED_ROLE = '';
/** Buffer key shared by roles beyond `maxRoles`; cannot clash with a real role name. */
const OVERFLOW_ROLE = '\u0000overflow';
const ITEM_KINDS: readonly ItemKind[] = ['trace', 'log', 'metric'];

/** One role's items of one kind, and the bytes they hold. */
interface ItemBuffer {
  readonly ring: RingBuffer<TelemetryItem>;
  bytes: number;
}

type RoleBuffers = Record<ItemKind, ItemBuffer>;

export class TelemetryStore {
  private readonly caps: Record<ItemKind, number>;
  private readonly maxRoles: number;
  private readonly maxBytes: number;
  private heldBytes = 0;
  private readonly roles = new Map<string, RoleBuffers>();
  private readonly byOperation = new Map<string, Set<TelemetryItem>>();
  private readonly feeds = new Set<ChangeBatcher>();
  private readonly envelopeListeners = new Set<EnvelopeListener>();
  private nextSeq = 1;
  /** Items waiting for their forwarding outcome, by delivery ticket (removed when answered or evicted). */
  private readonly awaiting = new Map<number, TelemetryItem>();
  /**
   * The ticket of each item in {@link awaiting}, by the item's seq: integer keys, not a WeakMap of
   * items (an ephemeron table of ~100k entries cost the relay a visible share of its CPU under load).
   */
  private readonly ticketOfSeq = new Map<number, number>();
  private readonly deliverySources = new Map<DeliverySource, Disposable>();
  private count = 0;
  private ignoredCount = 0;

  constructor(options: TelemetryStoreOptions = {}) {
    this.caps = {
      trace: positive(options.maxTraceItemsPerRole, STORE_DEFAULTS.maxTraceItemsPerRole),
      log: positive(options.maxLogItemsPerRole, STORE_DEFAULTS.maxLogItemsPerRole),
      metric: positive(options.maxMetricPointsPerRole, STORE_DEFAULTS.maxMetricPointsPerRole),
    };
    this.maxRoles = positive(options.maxRoles, STORE_DEFAULTS.maxRoles);
    this.maxBytes = positive(options.maxBytes, STORE_DEFAULTS.maxBytes);
  }

  /** Approximate bytes the items held take (see TelemetryItem.bytes). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Items currently held. */
  get size(): number {
    return this.count;
  }

  /** Operations (trace ids) with at least one item held. */
  get operationCount(): number {
    return this.byOperation.size;
  }

  /** Envelopes whose baseType the store does not show (still forwarded by the relay). */
  get ignored(): number {
    return this.ignoredCount;
  }

  /**
   * Told every batch `add` gets, as envelopes, with where it came from (the telemetry history records
   * them). A failing listener never stops the store.
   */
  onEnvelopes(listener: EnvelopeListener): Subscription {
    this.envelopeListeners.add(listener);
    return { dispose: () => this.envelopeListeners.delete(listener) };
  }

  /**
   * Normalises and keeps the envelopes; returns the items added, in order. `delivery`: the relay's
   * intake says whether the batch is forwarded (a receipt: each item is queued, then answered for
   * by ticket) or stays local; imported files and the history give none (no delivery shown).
   * `origin`: where the batch came from, for the envelope listeners (the history).
   */
  add(envelopes: readonly Envelope[], delivery?: DeliveryReceipt | 'local', origin: EnvelopeOrigin = { source: 'relay' }): TelemetryItem[] {
    for (const listener of this.envelopeListeners) {
      try {
        listener(envelopes, origin);
      } catch {
        // the store's own work comes first
      }
    }
    const added: TelemetryItem[] = [];
    const now = Date.now();
    const receipt = delivery === 'local' ? undefined : delivery;
    if (receipt) this.listenForDelivery(receipt.source);
    for (let index = 0; index < envelopes.length; index++) {
      const item = normaliseEnvelope(envelopes[index], this.nextSeq, now);
      if (item === undefined) {
        this.ignoredCount++;
        continue;
      }
      if (receipt) {
        (item as { delivery?: unknown }).delivery = QUEUED;
        this.awaiting.set(receipt.firstTicket + index, item);
        this.ticketOfSeq.set(item.seq, receipt.firstTicket + index);
      } else if (delivery === 'local') {
        (item as { delivery?: unknown }).delivery = LOCAL_ONLY;
      }
      this.nextSeq++;
      this.insert(item);
      added.push(item);
    }
    return added;
  }

  /** Items still waiting for their forwarding outcome. */
  get awaitingDelivery(): number {
    return this.awaiting.size;
  }

  /** Stops listening to the forwarders' outcomes (the relay closes). */
  dispose(): void {
    for (const subscription of this.deliverySources.values()) subscription.dispose();
    this.deliverySources.clear();
    this.awaiting.clear();
    this.ticketOfSeq.clear();
  }

  private listenForDelivery(source: DeliverySource): void {
    if (this.deliverySources.has(source)) return;
    this.deliverySources.set(
      source,
      source.onDelivery((updates) => this.applyDelivery(updates)),
    );
  }

  /** The forwarder answered for items: their state changes where they are, and feeds hear of it. */
  private applyDelivery(updates: readonly DeliveryUpdate[]): void {
    for (const { ticket, outcome } of updates) {
      const item = this.awaiting.get(ticket);
      if (!item) continue; // evicted, cleared, or never shown (Statsbeat is shown; unknown baseTypes are not)
      this.awaiting.delete(ticket);
      this.ticketOfSeq.delete(item.seq);
      (item as { delivery?: unknown }).delivery = deliveryOfOutcome(outcome);
      for (const feed of this.feeds) feed.itemChanged(item);
    }
  }

  /** Every item of one operation (trace), oldest first. */
  getOperation(operationId: string): TelemetryItem[] {
    const items = this.byOperation.get(operationId);
    return items ? [...items].sort(byTimeThenSeq) : [];
  }

  /** Every item held, in order of arrival. */
  snapshot(): TelemetryItem[] {
    const all: TelemetryItem[] = [];
    for (const buffers of this.roles.values()) {
      for (const buffer of Object.values(buffers)) {
        for (const item of buffer.ring) {
          all.push(item);
        }
      }
    }
    return all.sort((a, b) => a.seq - b.seq);
  }

  /** Role names seen (items without a role are under ''). */
  roleNames(): string[] {
    return [...this.roles.keys()].filter((role) => role !== OVERFLOW_ROLE);
  }

  clear(): void {
    this.roles.clear();
    this.byOperation.clear();
    this.awaiting.clear();
    this.ticketOfSeq.clear();
    this.count = 0;
    this.heldBytes = 0;
    for (const feed of this.feeds) {
      feed.storeCleared();
    }
  }

  /** Batched changes, at most one delivery per `intervalMs` (default 100). */
  subscribe(listener: ChangeListener, options: SubscribeOptions = {}): Subscription {
    const feed = new ChangeBatcher(listener, options, (disposed) => this.feeds.delete(disposed));
    this.feeds.add(feed);
    return feed;
  }

  private insert(item: TelemetryItem): void {
    const buffer = this.buffersFor(item.role ?? UNNAMED_ROLE)[TABLE_KIND[item.table]];
    const evicted = buffer.ring.push(item);
    buffer.bytes += item.bytes;
    this.heldBytes += item.bytes;
    this.count++;
    if (item.operationId !== undefined) {
      let members = this.byOperation.get(item.operationId);
      if (!members) {
        members = new Set();
        this.byOperation.set(item.operationId, members);
      }
      members.add(item);
    }
    for (const feed of this.feeds) {
      feed.itemAdded(item);
    }
    if (evicted) {
      this.forget(evicted, buffer);
    }
    // Over the byte budget: the oldest items of the heaviest buffer go (the newest item always stays).
    while (this.heldBytes > this.maxBytes && this.count > 1) {
      const heaviest = this.heaviestBuffer();
      const oldest = heaviest.ring.shift();
      if (!oldest) break;
      this.forget(oldest, heaviest);
    }
  }

  private heaviestBuffer(): ItemBuffer {
    let heaviest: ItemBuffer | undefined;
    for (const buffers of this.roles.values()) {
      for (const kind of ITEM_KINDS) {
        const buffer = buffers[kind];
        if (buffer.ring.size > 0 && (!heaviest || buffer.bytes > heaviest.bytes)) heaviest = buffer;
      }
    }
    return heaviest!;
  }

  private forget(item: TelemetryItem, buffer: ItemBuffer): void {
    const ticket = this.ticketOfSeq.get(item.seq);
    if (ticket !== undefined) {
      this.awaiting.delete(ticket);
      this.ticketOfSeq.delete(item.seq);
    }
    buffer.bytes -= item.bytes;
    this.heldBytes -= item.bytes;
    this.count--;
    if (item.operationId !== undefined) {
      const members = this.byOperation.get(item.operationId);
      members?.delete(item);
      if (members && members.size === 0) {
        this.byOperation.delete(item.operationId);
      }
    }
    for (const feed of this.feeds) {
      feed.itemEvicted(item.seq);
    }
  }

  private buffersFor(role: string): RoleBuffers {
    const existing = this.roles.get(role);
    if (existing) {
      return existing;
    }
    const namedRoles = this.roles.size - (this.roles.has(OVERFLOW_ROLE) ? 1 : 0);
    const key = namedRoles >= this.maxRoles ? OVERFLOW_ROLE : role;
    let buffers = this.roles.get(key);
    if (!buffers) {
      buffers = {
        trace: { ring: new RingBuffer<TelemetryItem>(this.caps.trace), bytes: 0 },
        log: { ring: new RingBuffer<TelemetryItem>(this.caps.log), bytes: 0 },
        metric: { ring: new RingBuffer<TelemetryItem>(this.caps.metric), bytes: 0 },
      };
      this.roles.set(key, buffers);
    }
    return buffers;
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

function byTimeThenSeq(a: TelemetryItem, b: TelemetryItem): number {
  return a.time - b.time || a.seq - b.seq;
}
