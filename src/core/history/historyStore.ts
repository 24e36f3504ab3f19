/**
 * The telemetry history on disk (issue 16): every item the relay accepted and every item imported,
 * kept per workspace in **runs** (one per "Run with Live Telemetry", debug session, terminal app,
 * headless relay or imported file), so a reload or restart shows the same data again.
 *
 * Layout: `<dir>/runs.json` (the run list, written to a temporary file and renamed) and
 * `<dir>/runs/<run id>/<number>.seg`, append-only segment files of blocks (historyBlocks.ts).
 * Folders 0700, files 0600; what is stored is what the relay accepted under its local key, never
 * the real one. Appends return at once: the envelopes (or, from the relay, the request body as
 * received) wait in memory and a group commit (one per `commitDelayMs`, or sooner when a block
 * fills) hands them to a worker thread that splits, indexes and gzips them (blockPacker.ts), then
 * writes one `write` per block. Bounded by bytes and age: the oldest unpinned runs go first; what
 * waits for the worker is bounded by bytes too (past it the history turns off, never the ingest).
 *
 * Failure never reaches the caller: a full disk, a read-only folder or damage turns the history
 * "off" with a reason (`status`), and ingest and forwarding carry on without it.
 * Plain Node: never import `vscode` here.
 */
import { randomBytes } from 'crypto';
import * as fsSync from 'fs';
import { promises as fs } from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import * as zlib from 'zlib';
import type { Envelope } from '../envelope';
import { makePrivateDir } from '../forward/instanceFolder';
import { tableOf } from '../store/normalise';
import type { TableName } from '../store/telemetryItem';
import { BLOCK_HEADER_BYTES, decodeHeader, encodeBlock, filterChecksOut } from './historyBlocks';
import { BlockPacker, PackedBlock, PackPiece, packPieces } from './blockPacker';
import { lineMatches, mayContain, parseQuery } from './searchIndex';

const gunzip = promisify(zlib.gunzip);

export type RunSource = 'relay' | 'imported';

/** A run as the manifest keeps it. */
export interface RunRecord {
  readonly id: string;
  /** The script or command, or the imported file's name. */
  readonly name: string;
  readonly startMs: number;
  endMs?: number;
  readonly source: RunSource;
  pinned: boolean;
}

/** A run with what is on disk for it. */
export interface RunInfo extends RunRecord {
  readonly items: number;
  readonly bytes: number;
  /** Started by this process and not ended: still being written. */
  readonly active: boolean;
}

/** Why the history stopped recording (the panel words each one). */
export type HistoryOffReason = 'diskFull' | 'readOnly' | 'sizeLimit' | 'fallingBehind' | 'error';

export interface HistoryStatus {
  readonly state: 'on' | 'off';
  readonly reason?: HistoryOffReason;
  /** The system's message for `reason` (a path, an errno), for the log. */
  readonly detail?: string;
  /** Blocks found damaged (skipped; the rest of the history is kept). */
  readonly damagedBlocks: number;
  /** Items not recorded since the history went off. */
  readonly dropped: number;
}

export interface HistoryOptions {
  /** Default 500 MiB. */
  readonly maxBytes?: number;
  /** Default 7 days. */
  readonly maxAgeMs?: number;
  /** A segment file is closed for appends past this size. Default 8 MiB. */
  readonly segmentBytes?: number;
  /** Items per block at most. Default 1024. */
  readonly blockItems?: number;
  /** JSON bytes per block at most. Default 1 MiB. */
  readonly blockBytes?: number;
  /** How long appends wait to be committed together. Default 200 ms. */
  readonly commitDelayMs?: number;
  /**
   * Bytes of appended items waiting to be packed and written at most (default 64 MiB): past it the
   * history could not keep up with the ingest and turns off (`fallingBehind`) instead of growing.
   */
  readonly maxQueueBytes?: number;
  /**
   * The search filters of the blocks found on open are held in memory: past
   * this many bytes (default 256 MiB) a folder's later blocks are not loaded, so an untrusted
   * folder cannot fill the process's memory.
   */
  readonly maxLoadedFilterBytes?: number;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
  /**
   * Open someone else's history (a folder `azmon-relay --history DIR` wrote) to look at only:
   * nothing is created, cut, evicted or written (a torn tail is skipped, not cut), appends are
   * dropped, pins and deletions do nothing.
   */
  readonly readOnly?: boolean;
}

export interface SearchOptions {
  /** Runs to search; all runs when absent. */
  readonly runIds?: readonly string[];
  /** Hits at most (newest first). Default 200, at most 5000. */
  readonly limit?: number;
}

export interface SearchHit {
  readonly runId: string;
  readonly table: TableName;
  readonly envelope: Envelope;
}

export interface SearchResult {
  /** Hits per table, newest first within each. */
  readonly groups: Partial<Record<TableName, SearchHit[]>>;
  readonly total: number;
  /** More hits exist than `limit`. */
  readonly truncated: boolean;
  /** Blocks decompressed (the filter skipped the rest). */
  readonly blocksRead: number;
}

export const HISTORY_DEFAULTS = {
  maxBytes: 500 * 1024 * 1024,
  maxAgeMs: 7 * 24 * 60 * 60 * 1000,
  segmentBytes: 8 * 1024 * 1024,
  blockItems: 1024,
  blockBytes: 1024 * 1024,
  commitDelayMs: 200,
  maxQueueBytes: 64 * 1024 * 1024,
  maxLoadedFilterBytes: 256 * 1024 * 1024,
} as const;

const MANIFEST = 'runs.json';
const RUNS_DIR = 'runs';
const MANIFEST_LAYOUT = 'azmon-history/1';
const RUN_ID = /^r[0-9a-z]{1,12}-[0-9a-f]{8}$/;
const SEGMENT_NAME = /^(\d{6})\.seg$/;
const MAX_RUNS = 10_000;
const MAX_NAME_CHARS = 512;
const MAX_SEARCH_HITS = 5000;
const CACHE_BLOCKS = 16;
/*
 * A folder opened with "Open Telemetry History…" may come from anywhere: what reading one may cost
 * is bounded here, not by what its files claim. Our own writes stay far below each limit.
 */
/** runs.json: 10,000 runs take about 6 MB. A bigger file is ignored and the runs rebuilt from their folders. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** A block's text once unpacked (blocks are cut at 1 MiB, plus at most one request's item): more is a gzip bomb. */
const MAX_BLOCK_TEXT_BYTES = 64 * 1024 * 1024;
/** Unpacked blocks kept for paging and search, by text size as well as count. */
const CACHE_TEXT_BYTES = 64 * 1024 * 1024;
const MAX_LOADED_BLOCKS = 2_000_000;

interface Segment {
  readonly file: string;
  readonly number: number;
  bytes: number;
  /** False once damaged or written with an error: new blocks go to a new file. */
  appendable: boolean;
  readonly blocks: Block[];
}

interface Block {
  readonly segment: Segment;
  readonly packedOffset: number;
  readonly packedBytes: number;
  readonly items: number;
  readonly filter: Buffer;
}

interface RunState {
  readonly record: RunRecord;
  readonly segments: Segment[];
}

/** What a run's next commit holds, in append order: request bodies as received, or envelopes. */
type PendingPart =
  | { readonly kind: 'array'; readonly bytes: Uint8Array; readonly items: number }
  | { readonly kind: 'envelopes'; readonly envelopes: readonly Envelope[] };

interface PendingRun {
  readonly parts: PendingPart[];
  items: number;
}

interface DecodedBlock {
  readonly lines: string[];
  readonly lower: string[];
  /** The unpacked text's length: what the cache counts. */
  readonly textLength: number;
}

export class HistoryStore {
  private readonly runs = new Map<string, RunState>();
  private readonly active = new Set<string>();
  private readonly pending = new Map<string, PendingRun>();
  private pendingItems = 0;
  /** Bytes appended and not yet written: pending bodies (envelopes at their JSON size once serialised) and the job in the worker. */
  private queuedBytes = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private manifestWrite: Promise<void> = Promise.resolve();
  private offReason: HistoryOffReason | undefined;
  private offDetail: string | undefined;
  private damaged = 0;
  private droppedItems = 0;
  private readonly statusListeners = new Set<(status: HistoryStatus) => void>();
  private readonly cache = new Map<Block, DecodedBlock>();
  private cacheTextLength = 0;
  /** Filters and blocks scanned on open (our own later writes are bounded by the size limit instead). */
  private loadedFilterBytes = 0;
  private loadedBlocks = 0;
  private loadLimitLogged = false;
  private closed = false;
  /** One worker for every history in the process (it is unref'd: it never keeps the process alive). */
  private static sharedPacker: BlockPacker | undefined;
  private readonly packer = (HistoryStore.sharedPacker ??= new BlockPacker());
  private readonly options: Required<Omit<HistoryOptions, 'log' | 'now' | 'readOnly'>>;
  readonly readOnly: boolean;
  private readonly now: () => number;
  private readonly log: (message: string) => void;

  private constructor(
    readonly dir: string,
    options: HistoryOptions,
  ) {
    this.options = {
      maxBytes: positive(options.maxBytes, HISTORY_DEFAULTS.maxBytes),
      maxAgeMs: positive(options.maxAgeMs, HISTORY_DEFAULTS.maxAgeMs),
      segmentBytes: positive(options.segmentBytes, HISTORY_DEFAULTS.segmentBytes),
      blockItems: positive(options.blockItems, HISTORY_DEFAULTS.blockItems),
      blockBytes: positive(options.blockBytes, HISTORY_DEFAULTS.blockBytes),
      commitDelayMs:
        options.commitDelayMs !== undefined && options.commitDelayMs >= 0 ? options.commitDelayMs : HISTORY_DEFAULTS.commitDelayMs,
      maxQueueBytes: positive(options.maxQueueBytes, HISTORY_DEFAULTS.maxQueueBytes),
      maxLoadedFilterBytes: positive(options.maxLoadedFilterBytes, HISTORY_DEFAULTS.maxLoadedFilterBytes),
    };
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => undefined);
    this.readOnly = options.readOnly === true;
  }

  /**
   * Opens (or creates) the history in `dir`: reads the run list and every segment's block headers
   * (not the items), cuts torn tails, and drops runs past the age limit. Never throws: a folder it
   * cannot write leaves the history readable and off.
   */
  static async open(dir: string, options: HistoryOptions = {}): Promise<HistoryStore> {
    const store = new HistoryStore(dir, options);
    if (store.readOnly) {
      await store.loadRuns();
      return store;
    }
    try {
      await makePrivateDir(dir);
      await makePrivateDir(path.join(dir, RUNS_DIR));
    } catch (error) {
      store.turnOff(error);
    }
    await store.loadRuns();
    if (store.offReason === undefined) {
      await store.saveManifest(); // also proves the folder takes writes
      await store.enforceBounds();
    }
    return store;
  }

  status(): HistoryStatus {
    return {
      state: this.offReason ? 'off' : 'on',
      ...(this.offReason ? { reason: this.offReason, detail: this.offDetail } : {}),
      damagedBlocks: this.damaged,
      dropped: this.droppedItems,
    };
  }

  onStatus(listener: (status: HistoryStatus) => void): { dispose(): void } {
    this.statusListeners.add(listener);
    return { dispose: () => this.statusListeners.delete(listener) };
  }

  /** Every run, oldest first. */
  listRuns(): RunInfo[] {
    return [...this.runs.values()]
      .map((run) => ({
        ...run.record,
        items:
          run.segments.reduce((sum, segment) => sum + segment.blocks.reduce((blocks, block) => blocks + block.items, 0), 0) +
          (this.pending.get(run.record.id)?.items ?? 0),
        bytes: run.segments.reduce((sum, segment) => sum + segment.bytes, 0),
        active: this.active.has(run.record.id),
      }))
      .sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  }

  /** Starts a run and returns its id (a run is recorded even while the history is off: it shows in memory). */
  startRun(name: string, source: RunSource = 'relay', startMs: number = this.now()): string {
    const id = `r${Math.max(0, Math.floor(startMs)).toString(36)}-${randomBytes(4).toString('hex')}`;
    const record: RunRecord = { id, name: String(name).slice(0, MAX_NAME_CHARS), startMs, source, pinned: false };
    this.runs.set(id, { record, segments: [] });
    this.active.add(id);
    void this.saveManifest();
    return id;
  }

  /** Ends a run: what is pending is committed, and the run becomes eligible for eviction. */
  async endRun(id: string): Promise<void> {
    const run = this.runs.get(id);
    if (!run) return;
    await this.flush();
    run.record.endMs = this.now();
    this.active.delete(id);
    await this.saveManifest();
  }

  async setPinned(id: string, pinned: boolean): Promise<void> {
    const run = this.runs.get(id);
    if (!run || this.readOnly) return;
    run.record.pinned = pinned;
    await this.saveManifest();
  }

  /** Deletes runs and their files (an active run is emptied and keeps recording). */
  async deleteRuns(ids: readonly string[]): Promise<void> {
    if (this.readOnly) return;
    await this.flush();
    for (const id of ids) {
      const run = this.runs.get(id);
      if (!run) continue;
      this.forgetBlocks(run.segments);
      run.segments.length = 0;
      if (!this.active.has(id)) this.runs.delete(id);
      await fs
        .rm(this.runDir(id), { recursive: true, force: true })
        .catch((error: unknown) => this.log(`History: could not delete run ${id}: ${String(error)}`));
    }
    await this.saveManifest();
  }

  /**
   * Queues envelopes for the run's next commit; returns at once and never throws. `body`: the
   * request body they were parsed from (a JSON array holding exactly these envelopes, unchanged —
   * the relay gives it when it accepted every item): the worker then stores that text as it is,
   * and this thread never serialises the envelopes again. The caller must not change it afterwards.
   */
  append(runId: string, envelopes: readonly Envelope[], body?: Uint8Array | string): void {
    if (envelopes.length === 0 || this.closed) return;
    if (this.offReason !== undefined || this.readOnly || !this.runs.has(runId)) {
      this.droppedItems += envelopes.length;
      return;
    }
    let queue = this.pending.get(runId);
    if (!queue) {
      queue = { parts: [], items: 0 };
      this.pending.set(runId, queue);
    }
    if (body !== undefined) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      queue.parts.push({ kind: 'array', bytes, items: envelopes.length });
      this.queuedBytes += bytes.byteLength;
    } else {
      const last = queue.parts[queue.parts.length - 1];
      const into: Envelope[] = last?.kind === 'envelopes' ? (last.envelopes as Envelope[]) : [];
      if (into.length === 0) queue.parts.push({ kind: 'envelopes', envelopes: into });
      for (const envelope of envelopes) into.push(envelope);
    }
    queue.items += envelopes.length;
    this.pendingItems += envelopes.length;
    if (this.queuedBytes > this.options.maxQueueBytes) {
      this.turnOff(
        Object.assign(
          new Error(
            `${this.queuedBytes} bytes wait to be written, over the limit of ${this.options.maxQueueBytes}: the disk or the worker is slower than the ingest`,
          ),
          { code: 'AZMON_FALLING_BEHIND' },
        ),
      );
      return;
    }
    this.scheduleCommit(this.pendingItems >= this.options.blockItems ? 0 : this.options.commitDelayMs);
  }

  /** Resolves once everything appended so far is written (or dropped because the history is off). */
  async flush(): Promise<void> {
    while (this.pendingItems > 0 || this.committing) {
      await (this.committing ?? this.startCommit());
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.commitTimer) clearTimeout(this.commitTimer);
    for (const id of [...this.active]) {
      const run = this.runs.get(id);
      if (run) run.record.endMs = this.now();
    }
    this.active.clear();
    if (this.offReason === undefined) await this.saveManifest();
    await this.manifestWrite;
    this.cache.clear();
    this.cacheTextLength = 0;
  }

  /**
   * The newest `limit` items of the runs (all runs when absent), oldest first. `skip` leaves out
   * that many of the newest stored items first (the next older page: whole blocks skipped unread).
   */
  async readLatest(limit: number, runIds?: readonly string[], skip = 0): Promise<{ runId: string; envelope: Envelope }[]> {
    const newestFirst: { runId: string; envelope: Envelope }[] = [];
    let toSkip = Math.max(0, Math.floor(skip));
    for (const { runId, block } of this.blocksNewestFirst(runIds)) {
      if (newestFirst.length >= limit) break;
      if (toSkip >= block.items) {
        toSkip -= block.items;
        continue;
      }
      const decoded = await this.decode(block);
      const from = decoded.lines.length - 1 - toSkip;
      toSkip = 0;
      for (let i = from; i >= 0 && newestFirst.length < limit; i--) {
        const envelope = parseLine(decoded.lines[i]);
        if (envelope) newestFirst.push({ runId, envelope });
      }
    }
    return newestFirst.reverse();
  }

  /** Every stored item of a run, block by block, oldest first (for loading a run into the panel and export). */
  async *readRun(runId: string): AsyncGenerator<Envelope[]> {
    const run = this.runs.get(runId);
    if (!run) return;
    for (const segment of [...run.segments]) {
      for (const block of [...segment.blocks]) {
        const decoded = await this.decode(block);
        yield decoded.lines.map(parseLine).filter((envelope): envelope is Envelope => envelope !== undefined);
      }
    }
  }

  /**
   * Items whose JSON holds every word of `query` at the start of a word (see searchIndex.ts),
   * newest first, grouped by table. Blocks whose filter rules the query out are never read.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult> {
    const limit = Math.min(MAX_SEARCH_HITS, positive(options.limit, 200));
    const parsed = parseQuery(query);
    const groups: Partial<Record<TableName, SearchHit[]>> = {};
    let total = 0;
    let blocksRead = 0;
    let truncated = false;
    if (parsed.terms.length === 0) return { groups, total, truncated, blocksRead };
    await this.flush();
    outer: for (const { runId, block } of this.blocksNewestFirst(options.runIds)) {
      if (!parsed.keys.every((key) => mayContain(block.filter, key))) continue;
      blocksRead++;
      const decoded = await this.decode(block);
      for (let i = decoded.lower.length - 1; i >= 0; i--) {
        if (!lineMatches(decoded.lower[i], parsed.terms)) continue;
        const envelope = parseLine(decoded.lines[i]);
        const table = envelope && tableOf(envelope.data?.baseType);
        if (!envelope || !table) continue;
        if (total >= limit) {
          truncated = true;
          break outer;
        }
        (groups[table] ??= []).push({ runId, table, envelope });
        total++;
      }
    }
    return { groups, total, truncated, blocksRead };
  }

  // ---- writing ---------------------------------------------------------------------------------

  private scheduleCommit(delayMs: number): void {
    if (this.committing) return; // the running commit loops until nothing is pending
    if (this.commitTimer && delayMs > 0) return;
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = setTimeout(() => void this.startCommit(), delayMs);
  }

  private startCommit(): Promise<void> {
    if (this.commitTimer) clearTimeout(this.commitTimer);
    this.commitTimer = undefined;
    this.committing ??= this.commitAll().finally(() => {
      this.committing = undefined;
      // Appends that arrived after the loop's last look wait for the next commit.
      if (this.pendingItems > 0) this.scheduleCommit(this.options.commitDelayMs);
    });
    return this.committing;
  }

  private async commitAll(): Promise<void> {
    while (this.pendingItems > 0) {
      const batches = [...this.pending];
      this.pending.clear();
      this.pendingItems = 0;
      for (const [runId, queue] of batches) {
        if (this.offReason !== undefined || !this.runs.has(runId)) {
          this.droppedItems += queue.items;
          continue;
        }
        const pieces = piecesOf(queue.parts);
        const jobBytes = pieces.reduce((sum, piece) => sum + piece.bytes.byteLength, 0);
        // Serialised envelopes count from now on (bodies counted since their append).
        this.queuedBytes += pieces.reduce((sum, piece) => sum + (piece.kind === 'lines' ? piece.bytes.byteLength : 0), 0);
        try {
          const limits = { blockItems: this.options.blockItems, blockBytes: this.options.blockBytes };
          // The worker takes copies (transferred); if it fails, the same pieces are packed here.
          const blocks = await this.packer.pack(pieces.map(copyPiece), limits).catch(() => packPieces(pieces, limits));
          for (const block of blocks) await this.writeBlock(runId, block);
        } catch (error) {
          this.turnOff(error);
        } finally {
          this.queuedBytes = Math.max(0, this.queuedBytes - jobBytes);
        }
      }
      if (this.offReason === undefined) await this.enforceBounds();
    }
  }

  private async writeBlock(runId: string, { items, filter, packed }: PackedBlock): Promise<void> {
    const block = encodeBlock(items, filter, packed);
    const run = this.runs.get(runId);
    if (!run || this.offReason !== undefined) {
      this.droppedItems += items;
      return;
    }
    const segment = await this.appendableSegment(run);
    const start = segment.bytes;
    try {
      await appendBytes(segment.file, block);
    } catch (error) {
      // A partial write (ENOSPC mid-block) is cut back so the file stays whole; never appended to again.
      segment.appendable = false;
      await fs.truncate(segment.file, start).catch(() => undefined);
      throw error;
    }
    segment.bytes += block.length;
    segment.blocks.push({
      segment,
      packedOffset: start + BLOCK_HEADER_BYTES + filter.length,
      packedBytes: packed.length,
      items,
      filter,
    });
  }

  private async appendableSegment(run: RunState): Promise<Segment> {
    const last = run.segments[run.segments.length - 1];
    if (last && last.appendable && last.bytes < this.options.segmentBytes) return last;
    const dir = this.runDir(run.record.id);
    await makePrivateDir(dir);
    const number = (last?.number ?? 0) + 1;
    const file = path.join(dir, `${String(number).padStart(6, '0')}.seg`);
    await fs.writeFile(file, Buffer.alloc(0), { mode: 0o600, flag: 'wx' });
    const segment: Segment = { file, number, bytes: 0, appendable: true, blocks: [] };
    run.segments.push(segment);
    return segment;
  }

  /**
   * Over the age limit: ended, unpinned runs go. Over the size limit: the oldest ended unpinned
   * runs go, then the oldest segments of unpinned active runs (never the one being written); if
   * that is still not enough, the history turns off (`sizeLimit`).
   */
  private async enforceBounds(): Promise<void> {
    const cutoff = this.now() - this.options.maxAgeMs;
    const ended = this.listRuns().filter((run) => !run.active && !run.pinned);
    for (const run of ended) {
      if ((run.endMs ?? run.startMs) < cutoff) await this.dropRun(run.id, 'older than the age limit');
    }
    let total = this.totalBytes();
    for (const run of ended) {
      if (total <= this.options.maxBytes) break;
      if (!this.runs.has(run.id)) continue;
      total -= run.bytes;
      await this.dropRun(run.id, 'the history is over its size limit');
    }
    for (const id of this.active) {
      const run = this.runs.get(id)!;
      while (total > this.options.maxBytes && !run.record.pinned && run.segments.length > 1) {
        const oldest = run.segments.shift()!;
        total -= oldest.bytes;
        this.forgetBlocks([oldest]);
        await fs.rm(oldest.file, { force: true });
      }
    }
    if (total > this.options.maxBytes) {
      this.turnOff(
        Object.assign(new Error(`the history holds ${total} bytes, over its limit of ${this.options.maxBytes}`), {
          code: 'AZMON_SIZE_LIMIT',
        }),
      );
    }
  }

  private async dropRun(id: string, why: string): Promise<void> {
    const run = this.runs.get(id);
    if (!run) return;
    this.forgetBlocks(run.segments);
    this.runs.delete(id);
    this.log(`History: deleted run "${run.record.name}" (${why}).`);
    await fs.rm(this.runDir(id), { recursive: true, force: true }).catch(() => undefined);
    await this.saveManifest();
  }

  private totalBytes(): number {
    let total = 0;
    for (const run of this.runs.values()) for (const segment of run.segments) total += segment.bytes;
    return total;
  }

  private turnOff(error: unknown): void {
    if (this.offReason !== undefined) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    this.offReason =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? 'diskFull'
        : code === 'EROFS' || code === 'EACCES' || code === 'EPERM'
          ? 'readOnly'
          : code === 'AZMON_SIZE_LIMIT'
            ? 'sizeLimit'
            : code === 'AZMON_FALLING_BEHIND'
              ? 'fallingBehind'
              : 'error';
    this.offDetail = error instanceof Error ? error.message : String(error);
    this.droppedItems += this.pendingItems;
    this.pending.clear();
    this.pendingItems = 0;
    this.queuedBytes = 0;
    this.log(`History is off (${this.offReason}): ${this.offDetail}. Telemetry still reaches the panel and Azure.`);
    const status = this.status();
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch {
        // a failing listener must not stop the others
      }
    }
  }

  /** Writes the run list to a temporary file and renames it into place; a failure turns the history off. */
  private saveManifest(): Promise<void> {
    this.manifestWrite = this.manifestWrite.then(async () => {
      if (this.offReason !== undefined || this.readOnly) return;
      const records = [...this.runs.values()].map((run) => run.record);
      const final = path.join(this.dir, MANIFEST);
      const temporary = `${final}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await fs.writeFile(temporary, JSON.stringify({ layout: MANIFEST_LAYOUT, runs: records }), { mode: 0o600, flag: 'wx' });
        await fs.rename(temporary, final);
      } catch (error) {
        await fs.rm(temporary, { force: true }).catch(() => undefined);
        this.turnOff(error);
      }
    });
    return this.manifestWrite;
  }

  // ---- reading ---------------------------------------------------------------------------------

  private async loadRuns(): Promise<void> {
    const records = new Map<string, RunRecord>();
    try {
      const manifest = path.join(this.dir, MANIFEST);
      const { size } = await fs.stat(manifest);
      if (size > MAX_MANIFEST_BYTES) throw new Error(`it holds ${size} bytes, more than a run list ever needs (${MAX_MANIFEST_BYTES})`);
      const parsed = JSON.parse(await fs.readFile(manifest, 'utf8')) as { layout?: unknown; runs?: unknown };
      if (parsed.layout === MANIFEST_LAYOUT && Array.isArray(parsed.runs)) {
        for (const raw of parsed.runs.slice(0, MAX_RUNS) as Partial<RunRecord>[]) {
          const record = validRecord(raw);
          if (record) records.set(record.id, record);
        }
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log(`History: the run list was unreadable (${String(error)}); runs are rebuilt from their folders.`);
    }
    let folders: string[] = [];
    try {
      folders = (await fs.readdir(path.join(this.dir, RUNS_DIR))).filter((name) => RUN_ID.test(name)).slice(0, MAX_RUNS);
    } catch {
      // no runs yet
    }
    for (const id of folders) {
      // A run folder the list does not know (the list was lost): keep it, named by its id.
      const record = records.get(id) ?? {
        id,
        name: id,
        startMs: Number.parseInt(id.slice(1, id.indexOf('-')), 36) || 0,
        source: 'relay' as const,
        pinned: false,
      };
      const segments = await this.loadSegments(id);
      this.runs.set(id, { record, segments });
    }
    for (const [id, record] of records) {
      if (!this.runs.has(id)) this.runs.set(id, { record, segments: [] });
    }
  }

  private async loadSegments(runId: string): Promise<Segment[]> {
    const dir = this.runDir(runId);
    const names = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => SEGMENT_NAME.test(name)).sort();
    const segments: Segment[] = [];
    for (const name of names) {
      const segment = await this.scanSegment(path.join(dir, name), Number(SEGMENT_NAME.exec(name)![1]));
      if (segment) segments.push(segment);
    }
    return segments;
  }

  /**
   * Reads a segment's block headers and filters; cuts a torn tail; stops at damage. Synchronous
   * reads on purpose: a thousand small preads through the thread pool took seconds on a busy
   * machine, directly they take milliseconds (the items themselves are not read here).
   */
  private async scanSegment(file: string, number: number): Promise<Segment | undefined> {
    let fd: number | undefined;
    try {
      fd = fsSync.openSync(file, 'r');
      const size = fsSync.fstatSync(fd).size;
      const segment: Segment = { file, number, bytes: 0, appendable: true, blocks: [] };
      const headerBytes = Buffer.alloc(BLOCK_HEADER_BYTES);
      let offset = 0;
      while (offset < size) {
        const bytesRead = fsSync.readSync(fd, headerBytes, 0, BLOCK_HEADER_BYTES, offset);
        const header = bytesRead === BLOCK_HEADER_BYTES ? decodeHeader(headerBytes) : undefined;
        const torn =
          bytesRead < BLOCK_HEADER_BYTES ||
          (header !== undefined && offset + BLOCK_HEADER_BYTES + header.filterBytes + header.packedBytes > size);
        if (torn) {
          await this.cutTornTail(file, offset, size, segment);
          break;
        }
        const filter = header ? Buffer.alloc(header.filterBytes) : undefined;
        if (header && filter) fsSync.readSync(fd, filter, 0, filter.length, offset + BLOCK_HEADER_BYTES);
        if (!header || !filter || !filterChecksOut(headerBytes, filter, header)) {
          this.damaged++;
          segment.appendable = false;
          this.log(`History: ${path.basename(file)} is damaged at byte ${offset}; the ${segment.blocks.length} blocks before it are kept.`);
          break;
        }
        const packedOffset = offset + BLOCK_HEADER_BYTES + header.filterBytes;
        if (this.loadedFilterBytes + filter.length > this.options.maxLoadedFilterBytes || this.loadedBlocks >= MAX_LOADED_BLOCKS) {
          // Not damage: the folder is larger than a history this process keeps in memory.
          segment.appendable = false;
          if (!this.loadLimitLogged)
            this.log(
              `History: ${this.loadedBlocks} blocks with ${this.loadedFilterBytes} bytes of search filters are loaded; ` +
                `later blocks (from ${path.basename(file)} at byte ${offset}) are not read.`,
            );
          this.loadLimitLogged = true;
          break;
        }
        this.loadedFilterBytes += filter.length;
        this.loadedBlocks++;
        segment.blocks.push({ segment, packedOffset, packedBytes: header.packedBytes, items: header.items, filter });
        offset = packedOffset + header.packedBytes;
      }
      segment.bytes = segment.appendable ? offset : size;
      return segment;
    } catch (error) {
      this.log(`History: could not read ${file}: ${String(error)}`);
      return undefined;
    } finally {
      if (fd !== undefined) fsSync.closeSync(fd);
    }
  }

  /** A crash mid-write left a block that ends past the file's end: cut it, keep the rest. */
  private async cutTornTail(file: string, offset: number, size: number, segment: Segment): Promise<void> {
    if (this.readOnly) {
      segment.appendable = false; // read up to the torn block, leave the file as it is
      return;
    }
    try {
      await fs.truncate(file, offset);
      this.log(`History: cut ${size - offset} bytes of an unfinished write at the end of ${path.basename(file)}.`);
    } catch {
      segment.appendable = false; // a read-only folder: keep reading what is whole
    }
  }

  private blocksNewestFirst(runIds?: readonly string[]): { runId: string; block: Block }[] {
    const selected = runIds
      ? runIds.map((id) => this.runs.get(id)).filter((run): run is RunState => run !== undefined)
      : [...this.runs.values()];
    selected.sort((a, b) => b.record.startMs - a.record.startMs);
    const blocks: { runId: string; block: Block }[] = [];
    for (const run of selected) {
      for (let s = run.segments.length - 1; s >= 0; s--) {
        const segmentBlocks = run.segments[s].blocks;
        for (let b = segmentBlocks.length - 1; b >= 0; b--) blocks.push({ runId: run.record.id, block: segmentBlocks[b] });
      }
    }
    return blocks;
  }

  /** A block's lines (and their lowercase for search); a block that fails to unpack counts as damaged and reads as empty. */
  private async decode(block: Block): Promise<DecodedBlock> {
    const cached = this.cache.get(block);
    if (cached) {
      this.cache.delete(block);
      this.cache.set(block, cached);
      return cached;
    }
    let decoded: DecodedBlock;
    try {
      const packed = Buffer.alloc(block.packedBytes);
      const handle = await fs.open(block.segment.file, 'r');
      try {
        await handle.read(packed, 0, packed.length, block.packedOffset);
      } finally {
        await handle.close();
      }
      // A gzip bomb fails here (RangeError from zlib) and counts as a damaged block.
      const text = (await gunzip(packed, { maxOutputLength: MAX_BLOCK_TEXT_BYTES })).toString('utf8');
      decoded = { lines: text.split('\n'), lower: text.toLowerCase().split('\n'), textLength: text.length };
    } catch (error) {
      this.damaged++;
      this.log(`History: a block of ${path.basename(block.segment.file)} could not be read (${String(error)}); skipped.`);
      decoded = { lines: [], lower: [], textLength: 0 };
    }
    this.cache.set(block, decoded);
    this.cacheTextLength += decoded.textLength;
    // The newest entry always stays (it is being read); older ones go by count and by text size.
    while (this.cache.size > 1 && (this.cache.size > CACHE_BLOCKS || this.cacheTextLength > CACHE_TEXT_BYTES)) {
      const [oldest, entry] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.cacheTextLength -= entry.textLength;
    }
    return decoded;
  }

  private forgetBlocks(segments: readonly Segment[]): void {
    for (const segment of segments)
      for (const block of segment.blocks) {
        const entry = this.cache.get(block);
        if (!entry) continue;
        this.cache.delete(block);
        this.cacheTextLength -= entry.textLength;
      }
  }

  private runDir(id: string): string {
    if (!RUN_ID.test(id)) throw new Error(`not a run id: ${id}`);
    return path.join(this.dir, RUNS_DIR, id);
  }
}

function validRecord(raw: Partial<RunRecord> | undefined): RunRecord | undefined {
  if (!raw || typeof raw.id !== 'string' || !RUN_ID.test(raw.id) || typeof raw.startMs !== 'number' || !Number.isFinite(raw.startMs))
    return undefined;
  return {
    id: raw.id,
    name: typeof raw.name === 'string' ? raw.name.slice(0, MAX_NAME_CHARS) : raw.id,
    startMs: raw.startMs,
    ...(typeof raw.endMs === 'number' && Number.isFinite(raw.endMs) ? { endMs: raw.endMs } : {}),
    source: raw.source === 'imported' ? 'imported' : 'relay',
    pinned: raw.pinned === true,
  };
}

function parseLine(line: string): Envelope | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

/** One write at the end of the file (O_APPEND), so a block is never interleaved. */
async function appendBytes(file: string, bytes: Buffer): Promise<void> {
  const handle = await fs.open(file, fsSync.constants.O_WRONLY | fsSync.constants.O_APPEND, 0o600);
  try {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
      written += bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

/** A commit's parts as the packer takes them: bodies as they are, each run of envelopes serialised as JSON lines. */
function piecesOf(parts: readonly PendingPart[]): PackPiece[] {
  return parts.map((part): PackPiece => {
    if (part.kind === 'array') return part;
    const lines: string[] = [];
    for (const envelope of part.envelopes) {
      try {
        lines.push(JSON.stringify(envelope));
      } catch {
        // a cycle or a BigInt cannot come from JSON.parse; nothing to keep
      }
    }
    return { kind: 'lines', bytes: Buffer.from(lines.join('\n')), items: lines.length };
  });
}

/** A piece whose bytes the worker may own (the caller's buffer may still be in use, e.g. by the forward queue). */
function copyPiece(piece: PackPiece): PackPiece {
  return { kind: piece.kind, bytes: new Uint8Array(piece.bytes), items: piece.items };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
