/**
 * The relay's forwarder: an {@link EnvelopeSink} whose `accept` resolves once a batch is durably in
 * the write-ahead disk queue, and a single sender loop that drains the queue to Azure Monitor with
 * the real instrumentation key, retrying by the service's rules. Items leave the disk only after
 * the service answered for them (at-least-once; a crash may resend a file, nothing else does).
 * Plain Node: never import `vscode` here.
 */
import * as path from 'path';
import { promisify } from 'util';
import { gzip as gzipCallback } from 'zlib';
import { ConnectionString, trackUrl } from '../connectionString';
import { DEFAULT_MAX_DISK_BYTES, DEFAULT_RETENTION_MS, ForwardQueueOptions } from './forwardOptions';
import type { Envelope } from '../envelope';
import type { RelayLogLevel } from '../relay/relayContext';
import { shortenRedacted } from '../redact';
import { EnvelopeSink, QueueFullError, ReceivedBody } from '../sink';
import { judgeAnswer } from './answer';
import { DiskQueue, WrittenFile } from './diskQueue';
import type { Disposable, DropReason, ForwardState, ForwardStats } from './forwardStats';
import { prepareInstanceFolder } from './instanceFolder';
import { PackedSegment, segmentsFor } from './queueSegments';
import { ForwardLogRedactor } from './logRedaction';
import { BatchItem, QueueLedger } from './queueLedger';
import { decideRedirect, isLoopbackHost, MAX_CONSECUTIVE_REDIRECTS } from './redirectPolicy';
import { backoffDelay } from './retryRules';
import { Transport, TransportResult } from './transport';

const gzipAsync = promisify(gzipCallback);

/** True when a TrackResponse body names each of the request's items (indexes 0…n−1) with an error. */
function namesEveryItem(body: string, items: number): boolean {
  try {
    const errors = (JSON.parse(body) as { errors?: { index?: unknown }[] }).errors;
    if (!Array.isArray(errors)) return false;
    const named = new Set(errors.map((error) => error?.index).filter((index): index is number => Number.isInteger(index) && (index as number) >= 0 && (index as number) < items));
    return named.size === items;
  } catch {
    return false;
  }
}
/** Fastest level: JSON telemetry compresses well anyway, and the relay shares the CPU with the app. */
const gzip = (data: Buffer): Promise<Buffer> => gzipAsync(data, { level: 1 });

const MAX_BATCH_ITEMS = 512;
/** Storage folders with an open queue in this process: two queues on one folder would send twice. */
const OPEN_FOLDERS = new Set<string>();
const MAX_BATCH_BYTES = 1024 * 1024;
/** lastError is shown in the status bar and the panel: redacted first, then cut to this. */
const MAX_LAST_ERROR_CHARS = 400;

/** A request ready to go: its items (in flight), the key it was written for, the gzipped body. */
interface Prepared {
  readonly items: readonly BatchItem[];
  readonly key: string;
  readonly body: Buffer;
}

export class ForwardQueue implements EnvelopeSink {
  private connectionString: ConnectionString | undefined;
  private endpoint: string | undefined;
  private readonly ledger: QueueLedger;
  private reservedBytes = 0;
  private paused = false;
  private closed = false;
  private pumping: Promise<void> | undefined;
  private nextAttemptAt = 0;
  private retryAfterActive = false;
  private wakeSleep: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;
  /** Transient failures since open (a part of a split request stops the split when one happens). */
  private failures = 0;
  private redirects = 0;
  private errorState = false;
  private readonly writes = new Set<Promise<unknown>>();
  /** Resolves when the previous accept has queued its disk append (appends keep arrival order). */
  private appendTurn: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<(stats: ForwardStats) => void>();
  private readonly flushWaiters = new Set<() => void>();
  private emitScheduled = false;
  private readonly counters = { acceptedItems: 0, retriedItems: 0, refusedFull: 0, requests: 0 };
  private lastError: string | undefined;
  private lastErrorAt: number | undefined;
  private lastSentAt: number | undefined;
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
      queue.log('info', `The forward queue holds ${queue.ledger.queuedItems} items from an earlier run; they are sent ${options.connectionString ? 'now' : 'once a connection string is set'}.`);
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

  async accept(envelopes: readonly Envelope[], body?: ReceivedBody): Promise<void> {
    if (this.closed) {
      throw new Error('The forward queue is closed');
    }
    if (!this.connectionString || envelopes.length === 0) {
      return;
    }
    // Counted as a write from the start, so close() waits for a batch still being compressed.
    const accepting = this.writeAccepted(envelopes, body);
    this.writes.add(accepting);
    try {
      await accepting;
    } finally {
      this.writes.delete(accepting);
    }
  }

  private async writeAccepted(envelopes: readonly Envelope[], body: ReceivedBody | undefined): Promise<void> {
    const texts = segmentsFor(envelopes, this.localKey, body?.text, this.maxBatchItems, this.maxBatchBytes);
    // Compressed on the thread pool, concurrently for concurrent requests; the disk cap counts these bytes.
    const packing = Promise.all(
      texts.map(async ({ text, items }): Promise<PackedSegment> => {
        // A body kept as received that came gzipped is stored as the app compressed it.
        const packed = body?.gzip && text === body.text ? body.gzip : await gzip(text);
        return { key: this.localKey, items, bytes: text.length, packedBytes: packed.length, packed };
      }),
    );
    // ...but appended in arrival order, so batches leave in the order the apps sent them.
    const previous = this.appendTurn;
    let endTurn!: () => void;
    this.appendTurn = new Promise<void>((resolve) => (endTurn = resolve));
    let write: Promise<WrittenFile>;
    let bytes = 200;
    try {
      const segments = await packing;
      await previous;
      for (const segment of segments) bytes += segment.packedBytes + 100;
      if (this.closed) {
        throw new Error('The forward queue is closed');
      }
      this.ledger.expire();
      if (this.ledger.queuedBytes + this.reservedBytes + bytes > this.maxDiskBytes) {
        this.counters.refusedFull++;
        this.changed();
        throw new QueueFullError(this.retryAfterSecondsWhenFull(), `The forward queue is full (${Math.round(this.maxDiskBytes / 1024 / 1024)} MiB on disk)`);
      }
      this.reservedBytes += bytes;
      write = this.disk.append(segments, bytes);
    } finally {
      endTurn(); // the append is queued: the next batch may take its turn while this one is written
    }
    try {
      this.ledger.addWritten(await write);
    } finally {
      this.reservedBytes -= bytes;
    }
    this.counters.acceptedItems += envelopes.length;
    this.changed();
    this.ensurePump();
  }

  setConnectionString(connectionString: ConnectionString | undefined): void {
    const previous = this.connectionString;
    this.connectionString = connectionString;
    if (connectionString) {
      this.redactor.addKey(connectionString.instrumentationKey);
      if (!previous || previous.ingestionEndpoint !== connectionString.ingestionEndpoint || previous.instrumentationKey !== connectionString.instrumentationKey) {
        this.endpoint = connectionString.ingestionEndpoint;
        this.redirects = 0;
      }
      this.consecutiveFailures = 0;
      this.errorState = false;
      this.lastError = undefined;
      this.nextAttemptAt = 0;
      this.retryAfterActive = false;
      this.ensurePump();
    } else {
      this.endpoint = undefined;
      this.wake();
    }
    this.changed();
  }

  pause(): void {
    this.paused = true;
    this.wake();
    this.changed();
  }

  resume(): void {
    this.paused = false;
    this.changed();
    this.ensurePump();
  }

  stats(): ForwardStats {
    return {
      state: this.state(),
      queuedItems: this.ledger.queuedItems,
      queuedBytes: this.ledger.queuedBytes,
      queuedFiles: this.ledger.files,
      maxDiskBytes: this.maxDiskBytes,
      ...this.counters,
      sentItems: this.ledger.sentItems,
      droppedItems: this.ledger.droppedItems,
      droppedByReason: { ...this.ledger.dropped },
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      lastSentAt: this.lastSentAt,
      nextAttemptAt: this.consecutiveFailures > 0 && this.nextAttemptAt > this.now() ? this.nextAttemptAt : undefined,
      endpoint: this.endpoint,
    };
  }

  onStats(listener: (stats: ForwardStats) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Tries to drain the queue (one immediate attempt even while backing off, unless the service
   * asked for a pause with Retry-After); resolves when empty, not forwarding, or at the timeout.
   */
  async flush(timeoutMs: number): Promise<void> {
    await Promise.allSettled([...this.writes]);
    if (!this.canSend()) {
      await this.ledger.idle();
      return;
    }
    if (!this.retryAfterActive) {
      this.nextAttemptAt = 0;
    }
    this.wake();
    this.ensurePump();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const check = (): void => {
        if (!this.canSend()) done();
      };
      function done(): void {
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      }
      const waiters = this.flushWaiters;
      waiters.add(check);
    });
    // Sent files are being deleted: once flush returns, the disk shows what is really left.
    await this.ledger.idle();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.allSettled([...this.writes]);
    this.closed = true;
    this.wake();
    await this.transport.close();
    await this.pumping;
    await Promise.allSettled([...this.writes]);
    await this.ledger.idle();
    await this.disk.removeIfEmpty();
    OPEN_FOLDERS.delete(this.storage);
    for (const check of [...this.flushWaiters]) check();
    this.listeners.clear();
  }

  private state(): ForwardState {
    if (!this.connectionString) return 'local-only';
    if (this.paused) return 'paused';
    if (this.errorState) return 'error';
    if (this.consecutiveFailures > 0) return 'retrying';
    return 'forwarding';
  }

  private canSend(): boolean {
    return !this.closed && !this.paused && this.connectionString !== undefined && this.ledger.queuedItems > 0;
  }

  private ensurePump(): void {
    if (!this.pumping && this.canSend()) {
      this.pumping = this.pump().finally(() => {
        this.pumping = undefined;
        this.changed();
        // An accept may have landed while the loop was finishing.
        if (this.canSend() && this.nextAttemptAt <= this.now()) this.ensurePump();
      });
    }
  }

  /**
   * One request at a time; while it is in flight the next one is read, rewritten and gzipped, so
   * the connection never waits for that work. A prefetched batch is released (owed again) whenever
   * the next step is not an immediate send (failure, pause, key change).
   */
  private async pump(): Promise<void> {
    let prepared: Prepared | undefined;
    const drop = (): void => {
      if (prepared) this.ledger.release(prepared.items);
      prepared = undefined;
    };
    try {
      while (this.canSend()) {
        const wait = this.nextAttemptAt - this.now();
        if (wait > 0) {
          drop();
          await this.sleep(wait);
          continue;
        }
        this.retryAfterActive = false;
        this.ledger.expire();
        if (prepared?.key !== this.connectionString!.instrumentationKey) drop();
        const current = prepared ?? (await this.prepare());
        prepared = undefined;
        if (current.items.length === 0) {
          // Counted but not sendable (a file vanished under us?): look again later instead of spinning.
          if (this.ledger.queuedItems > 0) {
            this.log('debug', `Nothing to send although ${this.ledger.queuedItems} items are counted as queued.`);
            this.nextAttemptAt = this.now() + (this.options.backoffBaseMs ?? 2000);
          }
          continue;
        }
        const sending = this.send(current).catch((error: unknown) => {
          this.failure(`the forwarder failed: ${error instanceof Error ? error.message : String(error)}`, undefined, current.items.length);
        }).finally(() => this.ledger.release(current.items));
        const next = this.prepare().catch(() => undefined);
        await sending;
        prepared = await next;
        // An empty prefetch only means everything owed was in flight then: look again, do not back off.
        if (prepared?.items.length === 0) prepared = undefined;
        if (this.consecutiveFailures > 0 || !this.canSend()) drop();
      }
    } finally {
      drop();
    }
  }

  /** The next request: items marked in flight, body rewritten to the real key and gzipped. */
  private async prepare(): Promise<Prepared> {
    const key = this.connectionString?.instrumentationKey ?? '';
    if (!key) return { items: [], key, body: Buffer.alloc(0) };
    const batch = await this.ledger.nextBatch(key, this.maxBatchItems, this.maxBatchBytes);
    if (batch.items.length === 0) return { items: [], key, body: Buffer.alloc(0) };
    try {
      return { items: batch.items, key, body: await gzip(batch.body) };
    } catch (error) {
      this.ledger.release(batch.items);
      throw error;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeSleep = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(this.sleepTimer);
      this.wakeSleep = undefined;
    });
  }

  private wake(): void {
    this.wakeSleep?.();
  }

  private async send(batch: Prepared): Promise<void> {
    const connectionString = this.connectionString!;
    const items = batch.items;
    const url = trackUrl(this.endpoint ?? connectionString.ingestionEndpoint);
    let token: string | undefined;
    if (this.options.getToken) {
      try {
        token = await this.options.getToken();
      } catch (error) {
        this.failure(`no Entra ID token: ${error instanceof Error ? error.message : String(error)}`, undefined, items.length);
        return;
      }
      const target = new URL(url);
      if (token && target.protocol !== 'https:' && !isLoopbackHost(target.hostname)) {
        this.failure(`a bearer token is never sent over plain http (${target.host})`, undefined, items.length, true);
        return;
      }
    }
    this.counters.requests++;
    const result = await this.transport.post(url, batch.body, token);
    if (this.closed) return; // aborted by close(): the items stay queued
    await this.apply(items, result, url, token);
    // A file partly answered for (a 206, a split request) notes which items are done, so a
    // restart after a kill resends only the others.
    await this.ledger.recordOutcomes();
  }

  /** What the service's answer for these items means for each of them (and for the queue). */
  private async apply(items: readonly BatchItem[], result: TransportResult, url: string, token: string | undefined): Promise<void> {
    const verdict = judgeAnswer(result, { batchSize: items.length, usingToken: this.options.getToken !== undefined, nowMs: this.now(), maxRetryAfterMs: this.options.maxRetryAfterMs ?? 600_000, redact: (text) => this.redactor.redact(text) });
    switch (verdict.kind) {
      case 'sent':
        for (const item of items) this.ledger.settle(item, 'sent');
        this.success();
        break;
      case 'partial': {
        const retry = new Set(verdict.retry);
        const dropped = new Set(verdict.dropped);
        items.forEach((item, index) => {
          if (dropped.has(index)) this.ledger.settle(item, 'partial');
          else if (!retry.has(index)) this.ledger.settle(item, 'sent');
        });
        if (dropped.size > 0) {
          this.log('warn', `The service refused ${dropped.size} of ${items.length} items for good (${verdict.reason}); they are dropped.`);
        }
        if (retry.size > 0) this.failure(`the service accepted ${items.length - retry.size - dropped.size} of ${items.length} items; ${retry.size} will be resent`, undefined, retry.size);
        else this.success(dropped.size > 0 ? `206: ${verdict.reason}` : undefined);
        break;
      }
      case 'retry':
        this.failure(verdict.reason, verdict.retryAfterMs, items.length);
        break;
      case 'drop': {
        const status = result.kind === 'response' ? result.status : 0;
        const halves = result.kind === 'response' ? this.halvesToIsolate(items, status, result.body) : undefined;
        if (halves) {
          this.log('info', `The service refused a request of ${items.length} items as a whole (${verdict.reason}); resending it in parts to find the items it refuses.`);
          await this.isolate(halves, url, token);
          break;
        }
        const reason: DropReason = status === 402 ? 'quota' : status === 404 ? 'not-found' : status === 401 || status === 403 ? 'unauthorized' : 'rejected';
        for (const item of items) this.ledger.settle(item, reason);
        this.log('warn', `Dropped ${items.length === 1 ? '1 item' : `${items.length} items`}: ${verdict.reason}.`);
        this.consecutiveFailures = 0;
        this.markError(`Dropped ${items.length} items: ${verdict.reason}`);
        break;
      }
      case 'redirect':
        this.followRedirect(verdict.location, url, items.length);
        break;
    }
  }

  /**
   * A request refused as a whole for its data (400, 413) may hold other apps' good items: it is
   * split and resent, so that only what the service refuses alone is dropped. When the answer named
   * every item (the service's own per-item verdict), it is split only between accepted batches
   * (one app's request each); a single batch is then dropped as the service said. Undefined: drop.
   */
  private halvesToIsolate(items: readonly BatchItem[], status: number, body: string): (readonly BatchItem[])[] | undefined {
    if ((status !== 400 && status !== 413) || items.length < 2) return undefined;
    if (!namesEveryItem(body, items.length)) {
      const half = Math.ceil(items.length / 2);
      return [items.slice(0, half), items.slice(half)];
    }
    const batches: BatchItem[][] = [];
    let last: unknown;
    for (const item of items) {
      const segment = this.ledger.segmentOf(item);
      if (batches.length === 0 || segment !== last) batches.push([]);
      batches[batches.length - 1].push(item);
      last = segment;
    }
    if (batches.length < 2) return undefined;
    const half = Math.ceil(batches.length / 2);
    return [batches.slice(0, half).flat(), batches.slice(half).flat()];
  }

  /** Sends each part on its own; a transient failure stops here (the rest stays owed, as after any failure). */
  private async isolate(parts: readonly (readonly BatchItem[])[], url: string, token: string | undefined): Promise<void> {
    const key = this.connectionString?.instrumentationKey;
    const failures = this.failures;
    for (const part of parts) {
      if (this.closed || !key || this.failures !== failures || this.connectionString?.instrumentationKey !== key || url !== trackUrl(this.endpoint ?? this.connectionString.ingestionEndpoint)) return;
      const { body, missing } = await this.ledger.bodyFor(part, key);
      const items = part.filter((item) => !missing.includes(item));
      if (items.length === 0) continue;
      this.counters.requests++;
      const result = await this.transport.post(url, await gzip(body), token);
      if (this.closed) return;
      await this.apply(items, result, url, token);
    }
  }

  private followRedirect(location: string | undefined, url: string, items: number): void {
    const decision = decideRedirect(location, url, this.connectionString);
    if (!decision.ok) {
      this.failure(`redirect refused: ${decision.reason}`, undefined, items, true);
      return;
    }
    this.redirects++;
    if (this.redirects > MAX_CONSECUTIVE_REDIRECTS) {
      this.redirects = 0;
      this.endpoint = this.connectionString?.ingestionEndpoint;
      this.failure(`more than ${MAX_CONSECUTIVE_REDIRECTS} consecutive redirects`, undefined, items, true);
      return;
    }
    if (decision.endpoint !== this.endpoint) {
      this.log('info', `The service redirected the relay to ${decision.endpoint}; batches go there from now on.`);
    }
    this.endpoint = decision.endpoint;
    this.changed();
  }

  private success(note?: string): void {
    this.consecutiveFailures = 0;
    this.redirects = 0;
    this.lastSentAt = this.now();
    if (note) {
      this.markError(note);
    } else {
      this.errorState = false;
    }
    this.changed();
  }

  /** A transient failure: the items stay queued; the next attempt waits (Retry-After or backoff). */
  private failure(reason: string, retryAfterMs: number | undefined, items: number, isError = false): void {
    this.consecutiveFailures++;
    this.failures++;
    this.counters.retriedItems += items;
    const delay = retryAfterMs ?? backoffDelay(this.consecutiveFailures, { baseMs: this.options.backoffBaseMs ?? 2000, maxMs: this.options.backoffMaxMs ?? 300_000 }, this.options.random);
    this.nextAttemptAt = this.now() + delay;
    this.retryAfterActive = retryAfterMs !== undefined;
    this.lastError = shortenRedacted(this.redactor.redact(reason), MAX_LAST_ERROR_CHARS);
    this.lastErrorAt = this.now();
    this.errorState = isError;
    this.log(this.consecutiveFailures > 3 ? 'warn' : 'info', `Forwarding ${items} items failed (${reason}); retry ${this.consecutiveFailures} in ${Math.round(delay)} ms.`);
    this.changed();
  }

  private markError(message: string): void {
    this.errorState = true;
    this.lastError = shortenRedacted(this.redactor.redact(message), MAX_LAST_ERROR_CHARS);
    this.lastErrorAt = this.now();
    this.changed();
  }

  private retryAfterSecondsWhenFull(): number {
    const waitMs = this.nextAttemptAt - this.now();
    return Math.min(60, Math.max(5, Math.ceil(waitMs / 1000)));
  }

  private changed(): void {
    for (const check of [...this.flushWaiters]) check();
    if (this.emitScheduled || this.listeners.size === 0) return;
    this.emitScheduled = true;
    setImmediate(() => {
      this.emitScheduled = false;
      const stats = this.stats();
      for (const listener of [...this.listeners]) listener(stats);
    });
  }

  private log(level: RelayLogLevel, message: string): void {
    this.options.log?.(level, this.redactor.redact(message));
  }
}
