/**
 * Turns what a commit gathered for a run (request bodies as received, or JSON lines serialised
 * here) into finished blocks: split into one envelope per line, cut by item count and bytes, each
 * block's word filter and gzip. In the worker thread (historyWorker.ts) when it can start, else on
 * this thread (the same result, only slower for the caller). Plain Node: never import `vscode` here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as zlib from 'zlib';
import { jsonArrayToLines } from './jsonLines';
import { textFilter } from './searchIndex';

/**
 * One part of a run's commit, in order: `array` is a request body (a JSON array of `items`
 * envelopes, exactly what was accepted); `lines` is envelopes already serialised one per line.
 */
export interface PackPiece {
  readonly kind: 'array' | 'lines';
  readonly bytes: Uint8Array;
  readonly items: number;
}

export interface PackLimits {
  /** Items per block at most. */
  readonly blockItems: number;
  /** JSON bytes per block at most (a single larger item is a block of its own). */
  readonly blockBytes: number;
}

export interface PackedBlock {
  readonly items: number;
  readonly filter: Buffer;
  readonly packed: Buffer;
}

/**
 * Level 4: on envelopes it takes about 60% of the default 6's time for about 20% more bytes (the
 * history stays within 1.5× the gzip of the request bodies); levels 1–3 are no faster than 4 by
 * much and 45% larger than 6.
 */
const GZIP_LEVEL = 4;

export function packPieces(pieces: readonly PackPiece[], limits: PackLimits): PackedBlock[] {
  const blocks: PackedBlock[] = [];
  let chunks: Buffer[] = [];
  let items = 0;
  let bytes = 0;
  const finish = (): void => {
    if (items === 0) return;
    blocks.push(packBlock(chunks.length === 1 ? chunks[0] : joinLines(chunks), items));
    chunks = [];
    items = 0;
    bytes = 0;
  };
  for (const piece of pieces) {
    const lines = linesOf(piece);
    // Consecutive lines of one piece go into a block as one chunk (no copy until the block is joined).
    let chunkStart = 0;
    let lineStart = 0;
    while (lineStart < lines.length) {
      let lineEnd = lines.indexOf(0x0a, lineStart);
      if (lineEnd < 0) lineEnd = lines.length;
      const lineBytes = lineEnd - lineStart + 1;
      if (items > 0 && (items >= limits.blockItems || bytes + lineBytes > limits.blockBytes)) {
        if (lineStart > chunkStart) chunks.push(lines.subarray(chunkStart, lineStart - 1));
        chunkStart = lineStart;
        finish();
      }
      items++;
      bytes += lineBytes;
      lineStart = lineEnd + 1;
    }
    if (lines.length > chunkStart) chunks.push(lines.subarray(chunkStart));
  }
  finish();
  return blocks;
}

/** The piece as JSON lines: a body is split as it is, or (when it does not split cleanly) parsed and serialised. */
function linesOf(piece: PackPiece): Buffer {
  const bytes = Buffer.from(piece.bytes.buffer, piece.bytes.byteOffset, piece.bytes.byteLength);
  if (piece.kind === 'lines') return bytes;
  const split = jsonArrayToLines(bytes, piece.items);
  if (split) return split;
  const parsed = JSON.parse(bytes.toString('utf8')) as unknown[];
  return Buffer.from(parsed.map((value) => JSON.stringify(value)).join('\n'));
}

function joinLines(chunks: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  const newline = Buffer.from('\n');
  for (const chunk of chunks) {
    if (parts.length > 0) parts.push(newline);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function packBlock(text: Buffer, items: number): PackedBlock {
  return {
    items,
    filter: textFilter(text.toString('utf8').toLowerCase()),
    packed: zlib.gzipSync(text, { level: GZIP_LEVEL }),
  };
}

/**
 * The memory of views that own all of it (moved to the other thread, not copied); the rest, such
 * as small Buffers in Node's shared pool (never transferable), are copied by postMessage.
 */
export function transferable(views: readonly Uint8Array[]): ArrayBuffer[] {
  const owned = new Set<ArrayBuffer>();
  for (const view of views) {
    if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) owned.add(view.buffer);
  }
  return [...owned];
}

interface Waiter {
  resolve(blocks: PackedBlock[]): void;
  reject(error: Error): void;
}

interface WorkerBlock {
  readonly items: number;
  readonly filter: Uint8Array;
  readonly packed: Uint8Array;
}

export class BlockPacker {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();

  constructor(private readonly workerFile: string = path.join(__dirname, 'historyWorker.js')) {}

  /**
   * Packs the pieces; their bytes are handed to the worker (transferred, not copied), so a caller
   * must not use them afterwards — pass copies of buffers someone else still holds.
   */
  pack(pieces: readonly PackPiece[], limits: PackLimits): Promise<PackedBlock[]> {
    const worker = this.startWorker();
    if (!worker) return Promise.resolve().then(() => packPieces(pieces, limits));
    return new Promise<PackedBlock[]>((resolve, reject) => {
      const id = this.nextId++;
      this.waiters.set(id, { resolve, reject });
      if (this.waiters.size === 1) worker.ref(); // a job in flight keeps the process alive until written
      worker.postMessage({ id, pieces, limits }, transferable(pieces.map((piece) => piece.bytes)));
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private startWorker(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    if (!fs.existsSync(this.workerFile)) {
      this.failed = true;
      return undefined;
    }
    const worker = new Worker(this.workerFile);
    worker.on('message', (message: { id: number; blocks?: WorkerBlock[]; error?: string }) => {
      const waiter = this.waiters.get(message.id);
      this.waiters.delete(message.id);
      if (this.waiters.size === 0) worker.unref();
      if (!waiter) return;
      if (message.error !== undefined || !message.blocks) waiter.reject(new Error(message.error ?? 'the history worker sent nothing'));
      else
        waiter.resolve(
          message.blocks.map((block) => ({
            items: block.items,
            filter: Buffer.from(block.filter.buffer, block.filter.byteOffset, block.filter.byteLength),
            packed: Buffer.from(block.packed.buffer, block.packed.byteOffset, block.packed.byteLength),
          })),
        );
    });
    const fail = (error: Error): void => {
      // Without the worker, jobs are packed on this thread; what was in flight is lost (the store turns off).
      this.failed = true;
      this.worker = undefined;
      for (const waiter of this.waiters.values()) waiter.reject(error);
      this.waiters.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`the history worker stopped (exit ${code})`));
    });
    worker.unref(); // idle, it never keeps the process alive (after the listeners: adding one refs it again)
    this.worker = worker;
    return worker;
  }
}
