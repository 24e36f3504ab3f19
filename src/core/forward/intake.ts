/**
 * The forwarder's intake: accepted batches are packed (gzip, concurrently on the thread pool) but
 * appended to the disk queue in arrival order, and refused with {@link QueueFullError} when they
 * would pass the disk cap (bytes on disk plus bytes being written). Close waits for every write.
 * Plain Node: never import `vscode` here.
 */
import { promisify } from 'util';
import { gzip as gzipCallback } from 'zlib';
import type { Envelope } from '../envelope';
import { QueueFullError, ReceivedBody } from '../sink';
import type { Appended, WrittenFile } from './diskQueue';
import { PackedSegment, segmentsFor } from './queueSegments';

const gzipAsync = promisify(gzipCallback);
/** Fastest level: JSON telemetry compresses well anyway, and the relay shares the CPU with the app. */
export const gzipFast = (data: Buffer | string): Promise<Buffer> => gzipAsync(data, { level: 1 });

/** Bytes counted against the cap for a file and for each of its segments, besides their data. */
const FILE_OVERHEAD_BYTES = 200;
const SEGMENT_OVERHEAD_BYTES = 100;

export interface IntakeOptions {
  /** The relay's session key: the only key written to disk. */
  readonly localKey: string;
  readonly maxBatchItems: number;
  readonly maxBatchBytes: number;
  readonly maxDiskBytes: number;
  /** Bytes of the files already queued (after expiring the old ones). */
  readonly queuedBytes: () => number;
  readonly append: (segments: readonly PackedSegment[], bytes: number) => Promise<Appended>;
  /** A file is on disk: the ledger owes its items. */
  readonly written: (file: WrittenFile) => void;
  /** Seconds the app is told to wait when the queue is full. */
  readonly retryAfterSeconds: () => number;
  /** A batch was refused for the cap (just before the QueueFullError). */
  readonly refused: () => void;
  /** A batch of this many items is queued and counted. */
  readonly accepted: (items: number) => void;
  readonly isClosed: () => boolean;
}

export class Intake {
  private reservedBytes = 0;
  private readonly writes = new Set<Promise<unknown>>();
  /** Resolves when the previous write has queued its disk append (appends keep arrival order). */
  private appendTurn: Promise<void> = Promise.resolve();

  constructor(private readonly options: IntakeOptions) {}

  /**
   * Resolves once the batch is durably on disk, with where its items are in the file; rejects
   * with QueueFullError over the cap.
   */
  async write(envelopes: readonly Envelope[], body?: ReceivedBody): Promise<Appended> {
    // Counted as a write from the start, so settled() waits for a batch still being compressed.
    const writing = this.pack(envelopes, body);
    this.writes.add(writing);
    try {
      return await writing;
    } finally {
      this.writes.delete(writing);
    }
  }

  /** Resolves when every write started so far has finished (or failed). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  private async pack(envelopes: readonly Envelope[], body: ReceivedBody | undefined): Promise<Appended> {
    const { localKey, maxBatchItems, maxBatchBytes, maxDiskBytes } = this.options;
    const texts = segmentsFor(envelopes, localKey, body?.text, maxBatchItems, maxBatchBytes);
    // Compressed concurrently for concurrent requests; the disk cap counts these bytes.
    const packing = Promise.all(
      texts.map(async ({ text, items, literalKeys }): Promise<PackedSegment> => {
        // A body kept as received that came gzipped is stored as the app compressed it.
        const packed = body?.gzip && text === body.text ? body.gzip : await gzipFast(text);
        return { key: localKey, items, bytes: text.length, packedBytes: packed.length, literalKeys, packed };
      }),
    );
    // ...but appended in arrival order, so batches leave in the order the apps sent them.
    const previous = this.appendTurn;
    let endTurn!: () => void;
    this.appendTurn = new Promise<void>((resolve) => (endTurn = resolve));
    let write: Promise<Appended>;
    let bytes = FILE_OVERHEAD_BYTES;
    try {
      const segments = await packing;
      await previous;
      for (const segment of segments) bytes += segment.packedBytes + SEGMENT_OVERHEAD_BYTES;
      if (this.options.isClosed()) {
        throw new Error('The forward queue is closed');
      }
      if (this.options.queuedBytes() + this.reservedBytes + bytes > maxDiskBytes) {
        this.options.refused();
        throw new QueueFullError(
          this.options.retryAfterSeconds(),
          `The forward queue is full (${Math.round(maxDiskBytes / 1024 / 1024)} MiB on disk)`,
        );
      }
      this.reservedBytes += bytes;
      write = this.options.append(segments, bytes);
    } finally {
      endTurn(); // the append is queued: the next batch may take its turn while this one is written
    }
    let appended: Appended;
    try {
      appended = await write;
      this.options.written(appended.written);
    } finally {
      this.reservedBytes -= bytes;
    }
    this.options.accepted(envelopes.length);
    return appended;
  }
}
