/**
 * The relay's forwarder: an {@link EnvelopeSink} whose `accept` resolves once a batch is durably in
 * the write-ahead disk queue, and a single sender loop that drains the queue to Azure Monitor with
 * the real instrumentation key, retrying by the service's rules. Items leave the disk only after
 * the service answered for them (at-least-once; a crash may resend a file, nothing else does).
 *
 * This class wires the parts, each testable alone: {@link Intake} (arrival order, disk cap),
 * {@link QueueLedger} (what is owed), {@link SendLoop} (the pump), {@link SendState} (retry, error
 * and redirect state), {@link tokenRefusal} (token over http), {@link judgeAnswer} and
 * {@link partsToIsolate} (what an answer means), {@link ForwardStatsFeed} (counters and listeners).
 * Plain Node: never import `vscode` here.
 */
import * as path from 'path';
import { ConnectionString, trackUrl } from '../connectionString';
import { DEFAULT_MAX_DISK_BYTES, DEFAULT_RETENTION_MS, ForwardQueueOptions } from './forwardOptions';
import type { Envelope } from '../envelope';
import type { Disposable, RelayLogLevel } from '../../shared/lifecycle';
import type { DeliveryReceipt, DeliveryUpdate, EnvelopeSink, ReceivedBody } from '../sink';
import { DeliveryFeed } from './deliveryFeed';
import { judgeAnswer } from './answer';
import { DiskQueue } from './diskQueue';
import type { DropReason, ForwardStats } from './forwardStats';
import { prepareInstanceFolder } from './instanceFolder';
import { gzipFast, Intake } from './intake';
import { partsToIsolate } from './isolation';
import { ForwardLogRedactor } from './logRedaction';
import { BatchItem, QueueLedger } from './queueLedger';
import { SendLoop } from './sendLoop';
import { SendState } from './sendState';
import { ForwardStatsFeed } from './statsFeed';
import { tokenRefusal } from './tokenCheck';
import { Transport, TransportResult } from './transport';

const MAX_BATCH_ITEMS = 512;
const MAX_BATCH_BYTES = 1024 * 1024;
/** Storage folders with an open queue in this process: two queues on one folder would send twice. */
const OPEN_FOLDERS = new Set<string>();

/** A request ready to go: its items (in flight), the key it was written for, the gzipped body. */
interface Prepared {
  readonly items: readonly BatchItem[];
  readonly key: string;
  readonly body: Buffer;
}

export class ForwardQueue implements EnvelopeSink {
  private connectionString: ConnectionString | undefined;
  private paused = false;
  private closed = false;
  private readonly ledger: QueueLedger;
  private readonly intake: Intake;
  private readonly sendState: SendState;
  private readonly loop: SendLoop<Prepared>;
  private readonly feed = new ForwardStatsFeed(() => this.stats());
  private readonly deliveries = new DeliveryFeed();
  private readonly redactor = new ForwardLogRedactor();
  private readonly now: () => number;
  private readonly localKey: string;

  private constructor(
    private readonly options: ForwardQueueOptions,
    private readonly disk: DiskQueue,
    private readonly transport: Transport,
    private readonly storage: string,
  ) {
    this.now = options.now ?? Date.now;
    this.localKey = options.localInstrumentationKey.toLowerCase();
    this.ledger = new QueueLedger(disk, {
      retentionMs: options.retentionMs ?? DEFAULT_RETENTION_MS,
      maxCachedBytes: options.maxCachedBytes ?? 16 * 1024 * 1024,
      now: this.now,
      log: (level, message) => this.log(level, message),
      changed: () => this.changed(),
      delivered: (ticket, outcome) => this.deliveries.delivered(ticket, outcome),
    });
    this.sendState = new SendState({
      backoff: { baseMs: options.backoffBaseMs ?? 2000, maxMs: options.backoffMaxMs ?? 300_000 },
      now: this.now,
      random: options.random,
      redact: (text) => this.redactor.redact(text),
    });
    this.intake = new Intake({
      localKey: this.localKey,
      maxBatchItems: this.maxBatchItems,
      maxBatchBytes: this.maxBatchBytes,
      maxDiskBytes: this.maxDiskBytes,
      queuedBytes: () => {
        this.ledger.expire();
        return this.ledger.queuedBytes;
      },
      append: (segments, bytes) => this.disk.append(segments, bytes),
      written: (file) => this.ledger.addWritten(file),
      retryAfterSeconds: () => this.sendState.retryAfterSecondsWhenFull(),
      refused: () => {
        this.feed.counters.refusedFull++;
        this.changed();
      },
      accepted: (items) => {
        this.feed.counters.acceptedItems += items;
        this.changed();
        this.loop.ensure();
      },
      isClosed: () => this.closed,
    });
    this.loop = new SendLoop<Prepared>({
      canSend: () => this.canSend(),
      waitMs: () => this.sendState.nextAttemptAt - this.now(),
      attemptStarting: () => {
        this.sendState.attemptStarting();
        this.ledger.expire();
      },
      currentKey: () => this.connectionString?.instrumentationKey,
      prepare: () => this.prepare(),
      send: (request) =>
        this.send(request).catch((error: unknown) => {
          this.failure(`the forwarder failed: ${error instanceof Error ? error.message : String(error)}`, undefined, request.items.length);
        }),
      release: (request) => this.ledger.release(request.items),
      failing: () => this.sendState.consecutiveFailures > 0,
      nothingToSend: () => {
        // Counted but not sendable (a file vanished under us?): look again later instead of spinning.
        if (this.ledger.queuedItems > 0) {
          this.log('debug', `Nothing to send although ${this.ledger.queuedItems} items are counted as queued.`);
          this.sendState.lookAgainLater();
        }
      },
      stopped: () => this.changed(),
    });
  }

  static async open(options: ForwardQueueOptions): Promise<ForwardQueue> {
    const now = options.now ?? Date.now;
    const log = (message: string): void => options.log?.('warn', message);
    const storage = path.resolve(options.storageDir);
    if (OPEN_FOLDERS.has(storage)) {
      throw new Error(`A forward queue is already open on ${storage} in this process`);
    }
    OPEN_FOLDERS.add(storage);
    let opened: Awaited<ReturnType<typeof DiskQueue.open>>;
    try {
      opened = await DiskQueue.open(await prepareInstanceFolder(storage, log), now, log);
    } catch (error) {
      OPEN_FOLDERS.delete(storage);
      throw error;
    }
    const { queue: disk, backlog } = opened;
    const transport = new Transport({ proxyUrl: options.proxyUrl, requestTimeoutMs: options.requestTimeoutMs ?? 30_000 });
    const queue = new ForwardQueue(options, disk, transport, storage);
    for (const file of backlog) queue.ledger.addBacklog(file);
    queue.ledger.expire();
    if (backlog.length > 0) {
      queue.log(
        'info',
        `The forward queue holds ${queue.ledger.queuedItems} items from an earlier run; they are sent ${options.connectionString ? 'now' : 'once a connection string is set'}.`,
      );
    }
    queue.setConnectionString(options.connectionString);
    return queue;
  }

  /** The folder this relay's queue files are in (`<storageDir>/p<pid>`). */
  get directory(): string {
    return this.disk.dir;
  }

  private get maxBatchItems(): number {
    return Math.min(this.options.maxBatchItems ?? MAX_BATCH_ITEMS, MAX_BATCH_ITEMS);
  }

  private get maxBatchBytes(): number {
    return Math.min(this.options.maxBatchBytes ?? MAX_BATCH_BYTES, MAX_BATCH_BYTES);
  }

  get maxDiskBytes(): number {
    return this.options.maxDiskBytes ?? DEFAULT_MAX_DISK_BYTES;
  }

  /** A receipt names each item's delivery ticket; none when not forwarding (the items stay local). */
  async accept(envelopes: readonly Envelope[], body?: ReceivedBody): Promise<DeliveryReceipt | undefined> {
    if (this.closed) {
      throw new Error('The forward queue is closed');
    }
    if (!this.connectionString || envelopes.length === 0) {
      return undefined;
    }
    const { written, first } = await this.intake.write(envelopes, body);
    return written.ticketBase === undefined ? undefined : { source: this.deliveries, firstTicket: written.ticketBase + first };
  }

  /** Each item's outcome (sent, dropped with its reason) by delivery ticket, batched per turn. */
  onDelivery(listener: (updates: readonly DeliveryUpdate[]) => void): Disposable {
    return this.deliveries.onDelivery(listener);
  }

  setConnectionString(connectionString: ConnectionString | undefined): void {
    const previous = this.connectionString;
    this.connectionString = connectionString;
    if (connectionString) {
      this.redactor.addKey(connectionString.instrumentationKey);
      this.sendState.connected(previous, connectionString);
      this.loop.ensure();
    } else {
      this.sendState.disconnected();
      this.loop.wake();
    }
    this.changed();
  }

  pause(): void {
    this.paused = true;
    this.sendState.modeChanged();
    this.loop.wake();
    this.changed();
  }

  resume(): void {
    this.paused = false;
    this.sendState.modeChanged();
    this.changed();
    this.loop.ensure();
  }

  stats(): ForwardStats {
    const state = this.sendState;
    return {
      state: state.state({ connected: this.connectionString !== undefined, paused: this.paused }),
      queuedItems: this.ledger.queuedItems,
      queuedBytes: this.ledger.queuedBytes,
      queuedFiles: this.ledger.files,
      maxDiskBytes: this.maxDiskBytes,
      ...this.feed.counters,
      sentItems: this.ledger.sentItems,
      droppedItems: this.ledger.droppedItems,
      droppedByReason: { ...this.ledger.dropped },
      consecutiveFailures: state.consecutiveFailures,
      lastError: state.lastError,
      lastErrorAt: state.lastErrorAt,
      lastSentAt: state.lastSentAt,
      nextAttemptAt: state.nextAttemptDue(),
      endpoint: state.endpoint,
    };
  }

  onStats(listener: (stats: ForwardStats) => void): Disposable {
    return this.feed.onStats(listener);
  }

  /**
   * Tries to drain the queue (one immediate attempt even while backing off, unless the service
   * asked for a pause with Retry-After); resolves when empty, not forwarding, or at the timeout.
   */
  async flush(timeoutMs: number): Promise<void> {
    await this.intake.settled();
    if (!this.canSend()) {
      await this.ledger.idle();
      return;
    }
    this.sendState.allowImmediateAttempt();
    this.loop.wake();
    this.loop.ensure();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const watch = this.feed.observe(() => {
        if (!this.canSend()) done();
      });
      function done(): void {
        clearTimeout(timer);
        watch.dispose();
        resolve();
      }
    });
    // Sent files are being deleted: once flush returns, the disk shows what is really left.
    await this.ledger.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.intake.settled();
    this.closed = true;
    this.loop.wake();
    await this.transport.close();
    await this.loop.current;
    await this.intake.settled();
    await this.ledger.idle();
    await this.disk.removeIfEmpty();
    OPEN_FOLDERS.delete(this.storage);
    this.feed.close();
    this.deliveries.close();
  }

  private canSend(): boolean {
    return !this.closed && !this.paused && this.connectionString !== undefined && this.ledger.queuedItems > 0;
  }

  /** The next request: items marked in flight, body rewritten to the real key and gzipped. */
  private async prepare(): Promise<Prepared> {
    const key = this.connectionString?.instrumentationKey ?? '';
    if (!key) return { items: [], key, body: Buffer.alloc(0) };
    const batch = await this.ledger.nextBatch(key, this.maxBatchItems, this.maxBatchBytes);
    if (batch.items.length === 0) return { items: [], key, body: Buffer.alloc(0) };
    try {
      return { items: batch.items, key, body: await gzipFast(batch.body) };
    } catch (error) {
      this.ledger.release(batch.items);
      throw error;
    }
  }

  private async send(batch: Prepared): Promise<void> {
    const connectionString = this.connectionString!;
    const items = batch.items;
    const url = trackUrl(this.sendState.endpoint ?? connectionString.ingestionEndpoint);
    let token: string | undefined;
    if (this.options.getToken) {
      try {
        token = await this.options.getToken();
      } catch (error) {
        this.failure(`no Entra ID token: ${error instanceof Error ? error.message : String(error)}`, undefined, items.length);
        return;
      }
      const refusal = tokenRefusal(url, token);
      if (refusal) {
        this.failure(refusal, undefined, items.length, true);
        return;
      }
    }
    this.feed.counters.requests++;
    const result = await this.transport.post(url, batch.body, token);
    if (this.closed) return; // aborted by close(): the items stay queued
    await this.apply(items, result, url, token);
    // A file partly answered for (a 206, a split request) notes which items are done, so a
    // restart after a kill resends only the others.
    await this.ledger.recordOutcomes();
  }

  /** What the service's answer for these items means for each of them (and for the queue). */
  private async apply(items: readonly BatchItem[], result: TransportResult, url: string, token: string | undefined): Promise<void> {
    const verdict = judgeAnswer(result, {
      batchSize: items.length,
      usingToken: this.options.getToken !== undefined,
      nowMs: this.now(),
      maxRetryAfterMs: this.options.maxRetryAfterMs ?? 600_000,
      redact: (text) => this.redactor.redact(text),
    });
    switch (verdict.kind) {
      case 'sent':
        for (const item of items) this.ledger.settle(item, 'sent', { status: 200 });
        this.success();
        break;
      case 'partial': {
        const retry = new Set(verdict.retry);
        const dropped = new Map(verdict.dropped.map((index, position) => [index, verdict.droppedAnswers?.[position]]));
        items.forEach((item, index) => {
          if (dropped.has(index)) this.ledger.settle(item, 'partial', dropped.get(index));
          else if (!retry.has(index)) this.ledger.settle(item, 'sent', { status: 206 });
        });
        if (dropped.size > 0) {
          this.log('warn', `The service refused ${dropped.size} of ${items.length} items for good (${verdict.reason}); they are dropped.`);
        }
        if (retry.size > 0)
          this.failure(
            `the service accepted ${items.length - retry.size - dropped.size} of ${items.length} items; ${retry.size} will be resent`,
            undefined,
            retry.size,
          );
        else this.success(dropped.size > 0 ? `206: ${verdict.reason}` : undefined);
        break;
      }
      case 'retry':
        this.failure(verdict.reason, verdict.retryAfterMs, items.length);
        break;
      case 'drop': {
        const status = result.kind === 'response' ? result.status : 0;
        const parts =
          result.kind === 'response' ? partsToIsolate(items, status, result.body, (item) => this.ledger.segmentOf(item)) : undefined;
        if (parts) {
          this.log(
            'info',
            `The service refused a request of ${items.length} items as a whole (${verdict.reason}); resending it in parts to find the items it refuses.`,
          );
          await this.isolate(parts, url, token);
          break;
        }
        const reason: DropReason =
          status === 402 ? 'quota' : status === 404 ? 'not-found' : status === 401 || status === 403 ? 'unauthorized' : 'rejected';
        for (const item of items) this.ledger.settle(item, reason, { status: status || undefined, message: verdict.reason });
        this.log('warn', `Dropped ${items.length === 1 ? '1 item' : `${items.length} items`}: ${verdict.reason}.`);
        this.sendState.dropped(`Dropped ${items.length} items: ${verdict.reason}`);
        this.changed();
        break;
      }
      case 'redirect':
        this.followRedirect(verdict.location, url, items.length);
        break;
    }
  }

  /** Sends each part on its own; a transient failure stops here (the rest stays owed, as after any failure). */
  private async isolate(parts: readonly (readonly BatchItem[])[], url: string, token: string | undefined): Promise<void> {
    const key = this.connectionString?.instrumentationKey;
    const failures = this.sendState.failures;
    for (const part of parts) {
      if (
        this.closed ||
        !key ||
        this.sendState.failures !== failures ||
        this.connectionString?.instrumentationKey !== key ||
        url !== trackUrl(this.sendState.endpoint ?? this.connectionString.ingestionEndpoint)
      )
        return;
      const { body, missing } = await this.ledger.bodyFor(part, key);
      const items = part.filter((item) => !missing.includes(item));
      if (items.length === 0) continue;
      this.feed.counters.requests++;
      const result = await this.transport.post(url, await gzipFast(body), token);
      if (this.closed) return;
      await this.apply(items, result, url, token);
    }
  }

  private followRedirect(location: string | undefined, url: string, items: number): void {
    const step = this.sendState.redirect(location, url, this.connectionString);
    if (!step.follow) {
      this.failure(step.reason, undefined, items, true);
      return;
    }
    if (step.changed) {
      this.log('info', `The service redirected the relay to ${step.endpoint}; batches go there from now on.`);
    }
    this.changed();
  }

  private success(note?: string): void {
    this.sendState.succeeded(note);
    this.changed();
  }

  /** A transient failure: the items stay queued; the next attempt waits (Retry-After or backoff). */
  private failure(reason: string, retryAfterMs: number | undefined, items: number, isError = false): void {
    const delay = this.sendState.failed(reason, retryAfterMs, isError);
    this.feed.counters.retriedItems += items;
    const failures = this.sendState.consecutiveFailures;
    this.log(failures > 3 ? 'warn' : 'info', `Forwarding ${items} items failed (${reason}); retry ${failures} in ${Math.round(delay)} ms.`);
    this.changed();
  }

  private changed(): void {
    this.feed.changed();
  }

  private log(level: RelayLogLevel, message: string): void {
    this.options.log?.(level, this.redactor.redact(message));
  }
}
