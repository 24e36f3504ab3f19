/**
 * The forwarder's book of what is on disk: which queue files exist, which of their items are still
 * owed to the service, and when a file may go (every item in it answered for, or expired). Builds
 * the next request from the oldest owed items: whole segments as they were written (key swapped in
 * the bytes), single items only where a segment was partly answered (206) or does not fit.
 * Plain Node: never import `vscode` here.
 */
import { promisify } from 'util';
import { gunzip as gunzipCallback } from 'zlib';
import type { RelayLogLevel } from '../../shared/lifecycle';
import type { Envelope } from '../envelope';
import { DiskQueue, LINES_FILE_SUFFIX, QueueFile, WrittenFile } from './diskQueue';
import type { DeliveryOutcome } from '../store/delivery';
import type { DropReason } from './forwardStats';
import { diskLine, lineForService, rewriteKeys } from './keyRewrite';
import { arrayInner, decodeQueueFile } from './queueSegments';

const gunzipAsync = promisify(gunzipCallback);
/** 512 KiB output chunks instead of 16 KiB: half the main-thread time per segment (measured). */
const gunzip = (data: Buffer): Promise<Buffer> => gunzipAsync(data, { chunkSize: 512 * 1024 });

const OWED = 0;
const SETTLED = 1;
/** In a request being sent or prepared: not taken again until released or settled. */
const IN_FLIGHT = 2;

/**
 * Delivery tickets: every item written to a queue in this process gets the next number (a file's
 * items take consecutive ones), unique across queues, so a ticket names one item for the store.
 */
let nextTicket = 1;
function takeTickets(count: number): number {
  const first = nextTicket;
  nextTicket += count;
  return first;
}

/** The service's answer for an item settled by it: its status and, for a refused one, the message. */
export interface ItemAnswer {
  readonly status?: number;
  readonly message?: string;
}

export interface Segment {
  /** The local key it was written with; undefined for layout-1 lines (any key, rewritten per line). */
  readonly key: string | undefined;
  readonly items: number;
  readonly bytes: number;
  /** Index of its first item in the file. */
  readonly first: number;
  /** No item has a keyed name: the key swap may count instead of walking (see `swapLiteralKeys`). */
  readonly literalKeys?: boolean;
  /** Its gzipped JSON array, until it is split into lines. */
  packed?: Buffer;
  /** One disk line per item (layout 1, or a segment split after a partial answer). */
  lines?: string[];
}

interface Entry {
  readonly file: QueueFile;
  /** The file's content, when kept from the write. */
  content?: Buffer;
  /** The file's segments, when read. */
  segments?: Segment[];
  /** Per item: OWED, IN_FLIGHT or SETTLED (answered for); allocated with the segments. */
  settled?: Uint8Array;
  pending: number;
  removed: boolean;
  /** The delivery ticket of item 0. */
  readonly ticketBase: number;
}

export interface BatchItem {
  readonly entry: Entry;
  readonly index: number;
}

export interface Batch {
  readonly items: readonly BatchItem[];
  /** JSON array with the real key, ready to gzip. */
  readonly body: Buffer;
}

export interface LedgerOptions {
  readonly retentionMs: number;
  readonly maxCachedBytes: number;
  readonly now: () => number;
  readonly log: (level: RelayLogLevel, message: string) => void;
  readonly changed: () => void;
  /** An item was answered for (sent, or dropped with its reason), by its delivery ticket. */
  readonly delivered?: (ticket: number, outcome: DeliveryOutcome) => void;
}

export class QueueLedger {
  private readonly entries: Entry[] = [];
  queuedBytes = 0;
  queuedItems = 0;
  sentItems = 0;
  droppedItems = 0;
  readonly dropped: Partial<Record<DropReason, number>> = {};
  private cachedBytes = 0;
  private readonly removals = new Set<Promise<void>>();
  /** Files partly answered for since their outcome was last written. */
  private readonly unrecorded = new Set<Entry>();
  private recording: Promise<void> = Promise.resolve();

  constructor(
    private readonly disk: DiskQueue,
    private readonly options: LedgerOptions,
  ) {}

  get files(): number {
    return this.entries.length;
  }

  /** A file found on disk at open: its item count comes from its name until it is read. */
  addBacklog(file: QueueFile): void {
    this.entries.push({ file, pending: file.items, removed: false, ticketBase: takeTickets(file.items) });
    this.queuedBytes += file.bytes;
    this.queuedItems += file.items;
  }

  /** A file just written; several accepts share one, the first to arrive registers it. */
  addWritten(written: WrittenFile): void {
    if (written.claimed) return;
    written.claimed = true;
    const { file, content } = written;
    written.ticketBase = takeTickets(file.items);
    const entry: Entry = { file, pending: file.items, removed: false, ticketBase: written.ticketBase };
    if (this.cachedBytes + file.bytes <= this.options.maxCachedBytes) {
      entry.content = content;
      this.cachedBytes += file.bytes;
    }
    this.entries.push(entry);
    this.queuedBytes += file.bytes;
    this.queuedItems += file.items;
  }

  /**
   * The oldest owed items, within the item and byte limits (at least one), marked in flight until
   * settled or released; empty when none is owed.
   */
  async nextBatch(realKey: string, maxItems: number, maxBytes: number): Promise<Batch> {
    const items: BatchItem[] = [];
    const parts: Buffer[] = [];
    let bytes = 2;
    // One whole segment (the usual request) goes as it is: no copy into a new array.
    let single: Buffer | undefined;
    const done = (): Batch => ({ items, body: parts.length === 1 && single ? single : joinArray(parts) });
    for (const entry of [...this.entries]) {
      if (entry.removed || entry.pending === 0) continue;
      const segments = await this.load(entry);
      if (!segments) continue;
      for (const segment of segments) {
        if (entry.removed) break;
        if (!this.anyOwed(entry, segment)) continue;
        if (segment.packed && this.allOwed(entry, segment)) {
          if (items.length > 0 && (items.length + segment.items > maxItems || bytes + segment.bytes + 1 > maxBytes)) return done();
          if (segment.items <= maxItems && segment.bytes + 2 <= maxBytes) {
            const whole = await this.wholeSegment(entry, segment, realKey);
            const inner = whole && arrayInner(whole);
            if (inner && this.allOwed(entry, segment)) {
              single = whole;
              for (let index = segment.first; index < segment.first + segment.items; index++) {
                items.push({ entry, index });
                entry.settled![index] = IN_FLIGHT;
              }
              parts.push(inner);
              bytes += inner.length + 1;
              continue;
            }
          }
        }
        if (segment.packed && !(await this.split(entry, segment))) continue;
        for (let offset = 0; segment.lines && offset < segment.items; offset++) {
          const index = segment.first + offset;
          if (entry.removed) break;
          if (entry.settled![index] !== OWED) continue;
          let text: Buffer;
          try {
            text = Buffer.from(lineForService(segment.lines[offset], realKey), 'utf8');
          } catch {
            this.options.log('warn', `Dropped item ${index} of ${entry.file.name}: it is not valid JSON (a damaged queue file).`);
            this.settle({ entry, index }, 'damaged');
            continue;
          }
          if (items.length > 0 && (items.length >= maxItems || bytes + text.length + 1 > maxBytes)) return done();
          items.push({ entry, index });
          entry.settled![index] = IN_FLIGHT;
          parts.push(text);
          bytes += text.length + 1;
        }
      }
    }
    return done();
  }

  /**
   * The request body (JSON array, real key) for exactly these items, in flight already: used to
   * resend parts of a request the service refused as a whole. Items of a file gone meanwhile
   * (expired) are left out of the body and returned as `missing`.
   */
  async bodyFor(items: readonly BatchItem[], realKey: string): Promise<{ body: Buffer; missing: BatchItem[] }> {
    const parts: Buffer[] = [];
    const missing: BatchItem[] = [];
    for (const item of items) {
      const segment = this.segmentOf(item);
      if (!segment || (segment.packed && !(await this.split(item.entry, segment))) || !segment.lines || item.entry.removed) {
        missing.push(item);
        continue;
      }
      parts.push(Buffer.from(lineForService(segment.lines[item.index - segment.first], realKey), 'utf8'));
    }
    return { body: joinArray(parts), missing };
  }

  /** The segment an item belongs to (one accepted request of one app), while its file is loaded. */
  segmentOf(item: BatchItem): Segment | undefined {
    return item.entry.segments?.find((segment) => item.index >= segment.first && item.index < segment.first + segment.items);
  }

  private anyOwed(entry: Entry, segment: Segment): boolean {
    for (let index = segment.first; index < segment.first + segment.items; index++) {
      if (entry.settled![index] === OWED) return true;
    }
    return false;
  }

  private allOwed(entry: Entry, segment: Segment): boolean {
    for (let index = segment.first; index < segment.first + segment.items; index++) {
      if (entry.settled![index] !== OWED) return false;
    }
    return true;
  }

  /** The segment's JSON array with the real key, or undefined when it must go item by item (or was damaged). */
  private async wholeSegment(entry: Entry, segment: Segment, realKey: string): Promise<Buffer | undefined> {
    let text: Buffer;
    try {
      text = await gunzip(segment.packed!);
    } catch {
      this.dropSegment(entry, segment);
      return undefined;
    }
    const rewritten = rewriteKeys(text, segment.key!, realKey, segment.literalKeys ? { items: segment.items } : undefined);
    // Fewer keys than items: some iKey is spelled another way (JSON escapes); parse instead.
    return rewritten.replaced >= segment.items ? rewritten.body : undefined;
  }

  /** Turns a segment into one disk line per item (after a partial answer); false when it is damaged. */
  private async split(entry: Entry, segment: Segment): Promise<boolean> {
    try {
      const items = JSON.parse((await gunzip(segment.packed!)).toString('utf8')) as Envelope[];
      if (!Array.isArray(items) || items.length !== segment.items) throw new Error('item count');
      segment.lines = items.map((item) => diskLine(item, segment.key!));
      segment.packed = undefined;
      return true;
    } catch {
      this.dropSegment(entry, segment);
      return false;
    }
  }

  private dropSegment(entry: Entry, segment: Segment): void {
    segment.packed = undefined;
    this.options.log('warn', `Dropped ${segment.items} items of ${entry.file.name}: a damaged queue file.`);
    for (let index = segment.first; index < segment.first + segment.items; index++) {
      if (entry.settled![index] === OWED) this.settle({ entry, index }, 'damaged');
    }
  }

  private async load(entry: Entry): Promise<Segment[] | undefined> {
    if (entry.segments) return entry.removed ? undefined : entry.segments;
    const fromDisk = !entry.content;
    let segments: Segment[];
    try {
      const content = entry.content ?? (await this.disk.load(entry.file));
      segments = entry.file.name.endsWith(LINES_FILE_SUFFIX) ? [lineSegment(content)] : packedSegments(content);
    } catch (error) {
      this.options.log(
        'error',
        `Dropped ${entry.pending} queued items: ${entry.file.name} could not be read (${error instanceof Error ? error.message : String(error)}).`,
      );
      this.dropEntry(entry, 'damaged');
      return undefined;
    }
    if (entry.removed) return undefined;
    if (fromDisk) this.cachedBytes += entry.file.bytes;
    entry.content = undefined;
    entry.segments = segments;
    const total = segments.reduce((sum, segment) => sum + segment.items, 0);
    entry.settled = new Uint8Array(total);
    // The name's count and the content disagree only for a truncated file: the missing lines are lost.
    const missing = entry.pending - total;
    if (missing > 0) {
      this.count('damaged', missing);
      this.options.log('warn', `Dropped ${missing} items: ${entry.file.name} is shorter than written (a damaged queue file).`);
    }
    this.queuedItems -= missing;
    entry.pending = total;
    // Items an earlier run already had answered for (a 206 before a kill): not owed any more.
    const answered = fromDisk ? await this.disk.loadOutcome(entry.file, total) : undefined;
    if (answered && !entry.removed) {
      let skipped = 0;
      for (let index = 0; index < total; index++) {
        if (answered[index >> 3] & (1 << (index & 7))) {
          entry.settled[index] = SETTLED;
          skipped++;
        }
      }
      entry.pending -= skipped;
      this.queuedItems -= skipped;
      if (skipped > 0)
        this.options.log(
          'info',
          `${skipped} items of ${entry.file.name} were already answered for before a restart; they are not sent again.`,
        );
    }
    if (entry.pending === 0) this.removeEntry(entry);
    // Layout-1 lines read back are checked once, so a damaged one is dropped alone instead of
    // spoiling the whole request (segments carry gzip's CRC instead).
    for (const segment of segments) {
      segment.lines?.forEach((line, offset) => {
        if (entry.settled![offset] === OWED && !isJson(line)) {
          this.options.log('warn', `Dropped item ${offset} of ${entry.file.name}: it is not valid JSON (a damaged queue file).`);
          this.settle({ entry, index: offset }, 'damaged');
        }
      });
    }
    return entry.removed ? undefined : entry.segments;
  }

  /** The service answered for this item: sent, or dropped for a reason. Idempotent. */
  settle(item: BatchItem, outcome: 'sent' | DropReason, answer?: ItemAnswer): void {
    const { entry, index } = item;
    if (entry.removed || !entry.settled || entry.settled[index] === SETTLED) return;
    entry.settled[index] = SETTLED;
    entry.pending--;
    this.queuedItems--;
    if (outcome === 'sent') {
      this.sentItems++;
      this.options.delivered?.(entry.ticketBase + index, { state: 'sent', status: answer?.status ?? 200 });
    } else {
      this.count(outcome, 1);
      this.options.delivered?.(entry.ticketBase + index, {
        state: 'dropped',
        reason: outcome,
        status: answer?.status,
        message: answer?.message,
      });
    }
    if (entry.pending === 0) this.removeEntry(entry);
    else this.unrecorded.add(entry);
  }

  /**
   * Writes which items of partly answered files were answered for, so a restart (even after a
   * SIGKILL) resends only the others. Called after each answer; writes are one after another.
   */
  recordOutcomes(): Promise<void> {
    const entries = [...this.unrecorded];
    this.unrecorded.clear();
    this.recording = this.recording.then(async () => {
      for (const entry of entries) {
        if (entry.removed || !entry.settled) continue;
        const answered = new Uint8Array(Math.ceil(entry.settled.length / 8));
        entry.settled.forEach((state, index) => {
          if (state === SETTLED) answered[index >> 3] |= 1 << (index & 7);
        });
        await this.disk.writeOutcome(entry.file, answered, entry.settled.length).catch((error: unknown) => {
          this.options.log(
            'warn',
            `Could not record which items of ${entry.file.name} were sent (a restart would resend them): ${error instanceof Error ? error.message : String(error)}`,
          );
        });
      }
    });
    return this.recording;
  }

  /** Items of a request that were not settled are owed again (a retry, a redirect, an abandoned prefetch). */
  release(items: readonly BatchItem[]): void {
    for (const { entry, index } of items) {
      if (!entry.removed && entry.settled && entry.settled[index] === IN_FLIGHT) entry.settled[index] = OWED;
    }
  }

  /** Drops files older than the retention period (oldest first, so it stops at the first young one). */
  expire(): void {
    const cutoff = this.options.now() - this.options.retentionMs;
    let items = 0;
    while (this.entries.length > 0 && this.entries[0].file.createdMs < cutoff) {
      items += this.entries[0].pending;
      this.dropEntry(this.entries[0], 'expired');
    }
    if (items > 0) {
      this.options.log(
        'warn',
        `Dropped ${items} queued items older than ${Math.round(this.options.retentionMs / 3_600_000)} h (retention).`,
      );
    }
  }

  /** Resolves when pending file deletions are done. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.removals, this.recording]);
  }

  private count(reason: DropReason, items: number): void {
    this.droppedItems += items;
    this.dropped[reason] = (this.dropped[reason] ?? 0) + items;
  }

  private dropEntry(entry: Entry, reason: DropReason): void {
    if (entry.removed) return;
    const delivered = this.options.delivered;
    if (delivered && entry.pending > 0) {
      const items = entry.settled?.length ?? entry.file.items;
      for (let index = 0; index < items; index++) {
        if (entry.settled?.[index] !== SETTLED) delivered(entry.ticketBase + index, { state: 'dropped', reason });
      }
    }
    this.count(reason, entry.pending);
    this.queuedItems -= entry.pending;
    entry.pending = 0;
    this.removeEntry(entry);
  }

  /** The file goes only once every item in it was answered for (or expired). */
  private removeEntry(entry: Entry): void {
    entry.removed = true;
    const position = this.entries.indexOf(entry);
    if (position >= 0) this.entries.splice(position, 1);
    this.queuedBytes -= entry.file.bytes;
    if (entry.content || entry.segments) this.cachedBytes -= entry.file.bytes;
    entry.content = undefined;
    entry.segments = undefined;
    const removal = this.disk.remove(entry.file).catch((error: unknown) => {
      this.options.log('error', `Could not delete ${entry.file.name}: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
    this.options.changed();
  }
}

function lineSegment(content: Buffer): Segment {
  const lines = content.toString('utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return { key: undefined, items: lines.length, bytes: content.length, first: 0, lines };
}

function packedSegments(content: Buffer): Segment[] {
  let first = 0;
  return decodeQueueFile(content).map(({ key, items, bytes, packed, literalKeys }) => {
    const segment: Segment = { key, items, bytes, first, literalKeys, packed };
    first += items;
    return segment;
  });
}

/** `[a,b,…]` from the items' texts. */
function joinArray(parts: readonly Buffer[]): Buffer {
  const pieces: Buffer[] = [OPEN];
  parts.forEach((part, index) => pieces.push(index > 0 ? COMMA : EMPTY, part));
  pieces.push(CLOSE);
  return Buffer.concat(pieces);
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');
const EMPTY = Buffer.alloc(0);

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
