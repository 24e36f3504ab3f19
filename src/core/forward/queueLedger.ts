/**
 * The forwarder's book of what is on disk: which queue files exist, which of their items are still
 * owed to the service, and when a file may go (every item in it answered for, or expired). Builds
 * the next request from the oldest owed items. Plain Node: never import `vscode` here.
 */
import type { RelayLogLevel } from '../relay/relayContext';
import type { DiskQueue, QueueFile, WrittenFile } from './diskQueue';
import type { DropReason } from './forwardStats';
import { lineForService } from './keyRewrite';

const OWED = 0;
const SETTLED = 1;
/** In a request being sent or prepared: not taken again until released or settled. */
const IN_FLIGHT = 2;

interface Entry {
  readonly file: QueueFile;
  /** The file's lines, when read (or kept from the write). */
  lines?: string[];
  /** Per item: OWED, IN_FLIGHT or SETTLED (answered for); allocated with the lines. */
  settled?: Uint8Array;
  pending: number;
  removed: boolean;
}

export interface BatchItem {
  readonly entry: Entry;
  readonly index: number;
}

export interface Batch {
  readonly items: readonly BatchItem[];
  /** JSON array with the real key, ready to gzip. */
  readonly body: string;
}

export interface LedgerOptions {
  readonly retentionMs: number;
  readonly maxCachedBytes: number;
  readonly now: () => number;
  readonly log: (level: RelayLogLevel, message: string) => void;
  readonly changed: () => void;
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

  constructor(private readonly disk: DiskQueue, private readonly options: LedgerOptions) {}

  get files(): number {
    return this.entries.length;
  }

  /** A file found on disk at open: its item count comes from its name until it is read. */
  addBacklog(file: QueueFile): void {
    this.entries.push({ file, pending: file.items, removed: false });
    this.queuedBytes += file.bytes;
    this.queuedItems += file.items;
  }

  /** A file just written; several accepts share one, the first to arrive registers it. */
  addWritten(written: WrittenFile): void {
    if (written.claimed) return;
    written.claimed = true;
    const { file, lines } = written;
    const entry: Entry = { file, pending: file.items, removed: false };
    if (this.cachedBytes + file.bytes <= this.options.maxCachedBytes) {
      entry.lines = [...lines];
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
    const parts: string[] = [];
    let bytes = 2;
    for (const entry of [...this.entries]) {
      if (entry.removed || entry.pending === 0) continue;
      const lines = await this.load(entry);
      if (!lines) continue;
      for (let index = 0; index < lines.length; index++) {
        if (entry.removed) break;
        if (entry.settled![index] !== OWED) continue;
        let text: string;
        try {
          text = lineForService(lines[index], realKey);
        } catch {
          this.options.log('warn', `Dropped item ${index} of ${entry.file.name}: it is not valid JSON (a damaged queue file).`);
          this.settle({ entry, index }, 'damaged');
          continue;
        }
        const size = Buffer.byteLength(text) + 1;
        if (items.length > 0 && (items.length >= maxItems || bytes + size > maxBytes)) {
          return { items, body: `[${parts.join(',')}]` };
        }
        items.push({ entry, index });
        entry.settled![index] = IN_FLIGHT;
        parts.push(text);
        bytes += size;
      }
    }
    return { items, body: `[${parts.join(',')}]` };
  }

  private async load(entry: Entry): Promise<string[] | undefined> {
    let fromDisk = false;
    if (!entry.lines) {
      fromDisk = true;
      try {
        entry.lines = await this.disk.load(entry.file);
      } catch (error) {
        this.options.log('error', `Dropped ${entry.pending} queued items: ${entry.file.name} could not be read (${error instanceof Error ? error.message : String(error)}).`);
        this.dropEntry(entry, 'damaged');
        return undefined;
      }
      this.cachedBytes += entry.file.bytes;
    }
    if (!entry.settled) {
      entry.settled = new Uint8Array(entry.lines.length);
      // The name's count and the content disagree only for a truncated file: the missing lines are lost.
      const missing = entry.pending - entry.lines.length;
      if (missing > 0) {
        this.count('damaged', missing);
        this.options.log('warn', `Dropped ${missing} items: ${entry.file.name} is shorter than written (a damaged queue file).`);
      }
      this.queuedItems -= missing;
      entry.pending = entry.lines.length;
      if (entry.pending === 0) this.removeEntry(entry);
    }
    if (fromDisk) {
      // Lines kept from this session's writes are ours; lines read back are checked once, so a
      // damaged one is dropped alone instead of spoiling the whole request.
      entry.lines.forEach((line, index) => {
        if (entry.settled![index] === OWED && !isJson(line)) {
          this.options.log('warn', `Dropped item ${index} of ${entry.file.name}: it is not valid JSON (a damaged queue file).`);
          this.settle({ entry, index }, 'damaged');
        }
      });
    }
    return entry.removed ? undefined : entry.lines;
  }

  /** The service answered for this item: sent, or dropped for a reason. Idempotent. */
  settle(item: BatchItem, outcome: 'sent' | DropReason): void {
    const { entry, index } = item;
    if (entry.removed || !entry.settled || entry.settled[index] === SETTLED) return;
    entry.settled[index] = SETTLED;
    entry.pending--;
    this.queuedItems--;
    if (outcome === 'sent') {
      this.sentItems++;
    } else {
      this.count(outcome, 1);
    }
    if (entry.pending === 0) this.removeEntry(entry);
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
      this.options.log('warn', `Dropped ${items} queued items older than ${Math.round(this.options.retentionMs / 3_600_000)} h (retention).`);
    }
  }

  /** Resolves when pending file deletions are done. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.removals]);
  }

  private count(reason: DropReason, items: number): void {
    this.droppedItems += items;
    this.dropped[reason] = (this.dropped[reason] ?? 0) + items;
  }

  private dropEntry(entry: Entry, reason: DropReason): void {
    if (entry.removed) return;
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
    if (entry.lines) this.cachedBytes -= entry.file.bytes;
    entry.lines = undefined;
    const removal = this.disk.remove(entry.file).catch((error: unknown) => {
      this.options.log('error', `Could not delete ${entry.file.name}: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.removals.add(removal);
    void removal.finally(() => this.removals.delete(removal));
    this.options.changed();
  }
}

function isJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
