/**
 * The forwarder's write-ahead storage: one file per write (layout in queueSegments.ts), in a 0700
 * folder, files 0600.
 * A file is written to `.tmp`, fsync'd, renamed into place and the folder fsync'd before the write
 * resolves, so an acknowledged batch survives a crash; a `.tmp` left by a kill mid-write was never
 * acknowledged and is deleted on open. Concurrent writes are grouped into one file (one fsync for
 * many requests). File names sort by creation time and carry the item count, so a restart knows
 * the backlog without reading it. Plain Node: never import `vscode` here.
 */
import { randomBytes } from 'crypto';
import * as fsSync from 'fs';
import { promises as fs } from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { makePrivateDir } from './instanceFolder';
import { encodeQueueFile, PackedSegment } from './queueSegments';

const fsync = promisify(fsSync.fsync);

export const QUEUE_FILE_SUFFIX = '.queue';
/** Layout 1 (one envelope per line), written by earlier versions; still read. */
export const LINES_FILE_SUFFIX = '.ndjson';
const TMP_SUFFIX = '.tmp';
/**
 * `<queue file>.outcome`: which items of a partly answered file the service already answered for
 * (a 206, a split request), so a restart resends only the rest. Losing it only costs duplicates.
 */
export const OUTCOME_SUFFIX = '.outcome';
/** `<created ms, 15 digits>-<sequence>-<items>-<random>.queue` (or `.ndjson`) */
const FILE_NAME = /^(\d{15})-(\d{6})-(\d+)-[0-9a-f]{8}\.(?:queue|ndjson)$/;

export interface QueueFile {
  readonly name: string;
  readonly createdMs: number;
  readonly bytes: number;
  readonly items: number;
}

/** A file just written and its content (several appends may share one file). */
export interface WrittenFile {
  readonly file: QueueFile;
  readonly content: Buffer;
  /** Set by whichever of the sharing appends registers the file first. */
  claimed: boolean;
  /** The delivery ticket of the file's first item, given when the ledger registers it. */
  ticketBase?: number;
}

/** One append's place in the file written: its items are `first`, `first + 1`, … of the file. */
export interface Appended {
  readonly written: WrittenFile;
  readonly first: number;
}

interface PendingGroup {
  segments: PackedSegment[];
  bytes: number;
  items: number;
  waiters: { first: number; resolve(appended: Appended): void; reject(error: unknown): void }[];
}

export class DiskQueue {
  private sequence = 0;
  private writing = false;
  private next: PendingGroup | undefined;

  private constructor(
    readonly dir: string,
    private readonly now: () => number,
  ) {}

  /**
   * Creates (or tightens) the folder, deletes torn `.tmp` files and foreign debris, and lists the
   * backlog oldest first.
   */
  static async open(dir: string, now: () => number, log: (message: string) => void): Promise<{ queue: DiskQueue; backlog: QueueFile[] }> {
    await makePrivateDir(dir);
    const queue = new DiskQueue(dir, now);
    const backlog: QueueFile[] = [];
    const names = (await fs.readdir(dir)).sort();
    for (const name of names) {
      const full = path.join(dir, name);
      if (name.endsWith(OUTCOME_SUFFIX)) {
        // The outcome of a file already deleted (a kill between the two deletions): nothing to keep.
        if (!names.includes(name.slice(0, -OUTCOME_SUFFIX.length))) await fs.rm(full, { force: true });
        continue;
      }
      if (name.endsWith(TMP_SUFFIX)) {
        log(`Deleted ${name}: an unfinished write from a process that stopped mid-write (never acknowledged to the app).`);
        await fs.rm(full, { force: true });
        continue;
      }
      const match = FILE_NAME.exec(name);
      if (!match) {
        continue;
      }
      const stat = await fs.stat(full);
      backlog.push({ name, createdMs: Number(match[1]), items: Number(match[3]), bytes: stat.size });
      queue.sequence = Math.max(queue.sequence, Number(match[2]) + 1) % 1_000_000;
    }
    return { queue, backlog };
  }

  /** Resolves once the segments are durably on disk; writes arriving meanwhile share the next file. */
  append(segments: readonly PackedSegment[], bytes: number): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      this.next ??= { segments: [], bytes: 0, items: 0, waiters: [] };
      const first = this.next.items;
      for (const segment of segments) {
        this.next.segments.push(segment);
        this.next.items += segment.items;
      }
      this.next.bytes += bytes;
      this.next.waiters.push({ first, resolve, reject });
      if (!this.writing) {
        void this.drainWrites();
      }
    });
  }

  private async drainWrites(): Promise<void> {
    this.writing = true;
    while (this.next) {
      const group = this.next;
      this.next = undefined;
      try {
        const content = encodeQueueFile(group.segments);
        const items = group.segments.reduce((sum, segment) => sum + segment.items, 0);
        const written: WrittenFile = { file: await this.writeFile(content, items), content, claimed: false };
        for (const waiter of group.waiters) waiter.resolve({ written, first: waiter.first });
      } catch (error) {
        for (const waiter of group.waiters) waiter.reject(error);
      }
    }
    this.writing = false;
  }

  private async writeFile(content: Buffer, items: number): Promise<QueueFile> {
    const createdMs = Math.max(0, Math.floor(this.now()));
    const sequence = this.sequence;
    this.sequence = (this.sequence + 1) % 1_000_000;
    const name = `${String(createdMs).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${items}-${randomBytes(4).toString('hex')}${QUEUE_FILE_SUFFIX}`;
    const final = path.join(this.dir, name);
    const temporary = `${final}${TMP_SUFFIX}`;
    // Open, write, close and rename only touch the page cache (microseconds): done synchronously, a
    // commit costs two event-loop turns (the fsyncs) instead of eight, each of which waits behind
    // request parsing under load (a commit took ~24 ms that way with 8 busy clients).
    const fd = fsSync.openSync(temporary, 'wx', 0o600);
    try {
      fsSync.writeFileSync(fd, content);
      await fsync(fd);
    } catch (error) {
      closeQuietly(fd);
      await fs.rm(temporary, { force: true });
      throw error;
    }
    fsSync.closeSync(fd);
    fsSync.renameSync(temporary, final);
    await this.syncDir();
    return { name, createdMs, bytes: content.length, items };
  }

  /** The rename is durable only once the directory entry is: fsync the folder (not possible on Windows). */
  private async syncDir(): Promise<void> {
    let fd: number | undefined;
    try {
      fd = fsSync.openSync(this.dir, 'r');
      await fsync(fd);
    } catch {
      // EISDIR/EPERM on Windows: NTFS journals the rename itself.
    } finally {
      if (fd !== undefined) closeQuietly(fd);
    }
  }

  /** The file's content; damage (a crash, a full disk) shows when the ledger decodes it. */
  async load(file: QueueFile): Promise<Buffer> {
    return fs.readFile(path.join(this.dir, file.name));
  }

  /** An instance folder with nothing left in it goes when its relay closes (rmdir refuses otherwise). */
  async removeIfEmpty(): Promise<void> {
    await fs.rmdir(this.dir).catch(() => undefined);
  }

  async remove(file: QueueFile): Promise<void> {
    await fs.rm(path.join(this.dir, file.name), { force: true });
    await fs.rm(path.join(this.dir, `${file.name}${OUTCOME_SUFFIX}`), { force: true });
  }

  /**
   * Records which items of `file` were answered for (one bit each). Written to `.tmp` and renamed,
   * never half there; not fsync'd: after a power cut an older outcome (or none) means duplicates,
   * never loss, since it only ever lists items the service answered for.
   */
  async writeOutcome(file: QueueFile, answered: Uint8Array, items: number): Promise<void> {
    const final = path.join(this.dir, `${file.name}${OUTCOME_SUFFIX}`);
    const temporary = `${final}.${randomBytes(4).toString('hex')}${TMP_SUFFIX}`;
    const content = JSON.stringify({ file: file.name, items, answered: Buffer.from(answered).toString('base64') });
    try {
      await fs.writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
      await fs.rename(temporary, final);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  /** The answered-items bitmap of `file`, when a readable outcome for exactly this file and item count exists. */
  async loadOutcome(file: QueueFile, items: number): Promise<Uint8Array | undefined> {
    try {
      const parsed = JSON.parse(await fs.readFile(path.join(this.dir, `${file.name}${OUTCOME_SUFFIX}`), 'utf8')) as {
        file?: unknown;
        items?: unknown;
        answered?: unknown;
      };
      if (parsed.file !== file.name || parsed.items !== items || typeof parsed.answered !== 'string') return undefined;
      const answered = new Uint8Array(Buffer.from(parsed.answered, 'base64'));
      return answered.length === Math.ceil(items / 8) ? answered : undefined;
    } catch {
      return undefined;
    }
  }
}

function closeQuietly(fd: number): void {
  try {
    fsSync.closeSync(fd);
  } catch {
    // already closed or the disk is gone: nothing more to do with it
  }
}
