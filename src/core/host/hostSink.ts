/**
 * The sink the relay writes to, whatever forwarding does: local-only until forwarding is first
 * wanted, then the {@link ForwardQueue} for the rest of the host's life (switched off, it keeps
 * its backlog on disk instead of dropping it). Opening the queue happens while requests arrive:
 * a batch accepted meanwhile waits for it, so no item slips past the switch.
 * Plain Node: never import `vscode` here.
 */
import type { ConnectionString } from '../connectionString';
import type { Envelope } from '../envelope';
import { ForwardQueue } from '../forward';
import type { ForwardStats } from '../forward';
import type { DeliveryReceipt, EnvelopeSink, ReceivedBody } from '../sink';
import type { Disposable, RelayLog } from '../../shared/lifecycle';

export type OpenQueue = (connectionString: ConnectionString) => Promise<ForwardQueue>;

/** A host without a queue yet reports this (nothing queued, nothing sent). */
const LOCAL_ONLY_STATS: ForwardStats = {
  state: 'local-only',
  queuedItems: 0,
  queuedBytes: 0,
  queuedFiles: 0,
  acceptedItems: 0,
  sentItems: 0,
  droppedItems: 0,
  maxDiskBytes: 0,
  retriedItems: 0,
  droppedByReason: {},
  refusedFull: 0,
  requests: 0,
  consecutiveFailures: 0,
};

/** The forwarder as the panel and the status bar see it. */
export type HostForwarder = Pick<HostSink, 'stats' | 'onStats' | 'pause' | 'resume'>;

export class HostSink implements EnvelopeSink {
  private queue: ForwardQueue | undefined;
  private opening: Promise<ForwardQueue | undefined> | undefined;
  private paused = false;
  private readonly statsListeners = new Set<(stats: ForwardStats) => void>();
  private queueStats: Disposable | undefined;

  constructor(
    private readonly openQueue: OpenQueue,
    private readonly log: RelayLog,
    private readonly onAccepted?: (envelopes: readonly Envelope[]) => void,
  ) {}

  /** The queue, once forwarding was wanted (undefined while local-only from the start). */
  get forwardQueue(): ForwardQueue | undefined {
    return this.queue;
  }

  /** The queue's receipt is passed on: without it the store marks forwarded items "local only". */
  async accept(envelopes: readonly Envelope[], body?: ReceivedBody): Promise<DeliveryReceipt | undefined> {
    const queue = this.queue ?? (await this.opening);
    // The queue itself keeps nothing while it has no connection string (local-only again).
    const receipt = queue ? await queue.accept(envelopes, body) : undefined;
    if (this.onAccepted) {
      try {
        this.onAccepted(envelopes);
      } catch (error) {
        this.log('warn', `A listener for accepted items failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return receipt;
  }

  /** Forward to `connectionString` (opening the queue the first time), or keep everything local. */
  async setConnectionString(connectionString: ConnectionString | undefined): Promise<void> {
    if (this.opening) await this.opening;
    if (this.queue) {
      this.queue.setConnectionString(connectionString);
      return;
    }
    if (!connectionString) return;
    this.opening = this.openQueue(connectionString).then((queue) => {
      this.queue = queue;
      if (this.paused) queue.pause();
      this.queueStats = queue.onStats((stats) => this.emit(stats));
      this.emit(queue.stats());
      return queue;
    });
    try {
      await this.opening;
    } finally {
      // A queue that could not open leaves the host local-only; the caller hears why.
      this.opening = this.opening.catch(() => undefined);
    }
  }

  pause(): void {
    this.paused = true;
    this.queue?.pause();
  }

  resume(): void {
    this.paused = false;
    this.queue?.resume();
  }

  stats(): ForwardStats {
    return this.queue?.stats() ?? LOCAL_ONLY_STATS;
  }

  /** Stats changes of whichever queue is current (and the switch to a first one). */
  onStats(listener: (stats: ForwardStats) => void): Disposable {
    this.statsListeners.add(listener);
    return { dispose: () => this.statsListeners.delete(listener) };
  }

  /** Sends what it can within `timeoutMs`, then closes the queue (what is left stays on disk). */
  async close(timeoutMs: number): Promise<void> {
    const queue = this.queue ?? (await this.opening);
    if (!queue) return;
    await queue.flush(timeoutMs);
    const { queuedItems, sentItems, droppedItems } = queue.stats();
    this.log(
      queuedItems > 0 ? 'warn' : 'info',
      `Forwarded ${sentItems} items, dropped ${droppedItems}; ${queuedItems} stay queued on disk for the next run.`,
    );
    await queue.close();
    this.queueStats?.dispose();
  }

  private emit(stats: ForwardStats): void {
    for (const listener of this.statsListeners) listener(stats);
  }
}
