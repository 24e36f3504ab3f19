/**
 * Turns a block's text (JSON lines) into its word filter and gzip, in the worker thread
 * (historyWorker.ts) when it can start, else on this thread (the same result, only slower for the
 * caller). Plain Node: never import `vscode` here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as zlib from 'zlib';
import { textFilter } from './searchIndex';

export interface PackedBlock {
  readonly filter: Buffer;
  readonly packed: Buffer;
}

export function packBlock(text: string): PackedBlock {
  return { filter: textFilter(text.toLowerCase()), packed: zlib.gzipSync(text, { level: 6 }) };
}

interface Waiter {
  resolve(block: PackedBlock): void;
  reject(error: Error): void;
}

export class BlockPacker {
  private worker: Worker | undefined;
  private failed = false;
  private nextId = 1;
  private readonly waiters = new Map<number, Waiter>();

  constructor(private readonly workerFile: string = path.join(__dirname, 'historyWorker.js')) {}

  pack(text: string): Promise<PackedBlock> {
    const worker = this.startWorker();
    if (!worker) return Promise.resolve().then(() => packBlock(text));
    return new Promise<PackedBlock>((resolve, reject) => {
      const id = this.nextId++;
      this.waiters.set(id, { resolve, reject });
      if (this.waiters.size === 1) worker.ref(); // a block in flight keeps the process alive until written
      worker.postMessage({ id, text });
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
    worker.on('message', (message: { id: number; filter?: Uint8Array; packed?: Uint8Array; error?: string }) => {
      const waiter = this.waiters.get(message.id);
      this.waiters.delete(message.id);
      if (this.waiters.size === 0) worker.unref();
      if (!waiter) return;
      if (message.error !== undefined || !message.filter || !message.packed)
        waiter.reject(new Error(message.error ?? 'the history worker sent nothing'));
      else
        waiter.resolve({
          filter: Buffer.from(message.filter.buffer, message.filter.byteOffset, message.filter.byteLength),
          packed: Buffer.from(message.packed.buffer, message.packed.byteOffset, message.packed.byteLength),
        });
    });
    const fail = (error: Error): void => {
      // Without the worker, blocks are packed on this thread; what was in flight is packed again there.
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
