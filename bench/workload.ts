/**
 * What the benchmarks send and how: 512-item batches built from the real SDK requests captured in
 * test/fixtures/captures (the key swapped for the one under test), a timed load from concurrent
 * undici clients on loopback, and child processes that host the servers under test so the load
 * generator and the server do not share an event loop.
 */
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from 'undici';
import { gzipSync } from 'zlib';
import type { Envelope } from '../src/core/envelope';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const CAPTURES_DIR = path.join(REPO_ROOT, 'test/fixtures/captures');
export const BATCH_ITEMS = 512;

/** Every envelope of every captured SDK request (Python and Node), in file order. */
export function capturedEnvelopes(): Envelope[] {
  return fs
    .readdirSync(CAPTURES_DIR)
    .filter((file) => file.endsWith('.body.json'))
    .sort()
    .flatMap((file) => JSON.parse(fs.readFileSync(path.join(CAPTURES_DIR, file), 'utf8')) as Envelope[]);
}

/** `size` envelopes cycling through the captures, each a fresh copy carrying `key`. */
export function buildBatch(key: string, size = BATCH_ITEMS, offset = 0): Envelope[] {
  const source = capturedEnvelopes();
  const batch: Envelope[] = [];
  for (let i = 0; i < size; i++) {
    const envelope = structuredClone(source[(offset + i) % source.length]);
    envelope.iKey = key;
    batch.push(envelope);
  }
  return batch;
}

/**
 * Batch number `batchIndex` of a stream of distinct items, as JSON: the template's envelopes with
 * unique operation and item ids (so the store keeps them as separate operations).
 */
export function uniqueBatchText(batchIndex: number, template: readonly Envelope[]): string {
  const batch = template.map((envelope, index) => {
    const unique = (batchIndex * BATCH_ITEMS + index).toString(16).padStart(16, '0');
    const copy = { ...envelope, tags: { ...envelope.tags, 'ai.operation.id': `${unique}${unique}` } };
    const baseData = copy.data?.baseData;
    if (baseData && typeof baseData.id === 'string') copy.data = { ...copy.data!, baseData: { ...baseData, id: unique } };
    return copy;
  });
  return JSON.stringify(batch);
}

export interface EncodedBatch {
  readonly plain: Buffer;
  readonly gzip: Buffer;
}

export function encodeBatch(batch: readonly Envelope[]): EncodedBatch {
  const plain = Buffer.from(JSON.stringify(batch));
  return { plain, gzip: gzipSync(plain) };
}

export interface LoadOptions {
  readonly origin: string;
  readonly path?: string;
  readonly body: Buffer;
  readonly gzip: boolean;
  readonly itemsPerRequest: number;
  readonly clients?: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface LoadResult {
  readonly itemsPerSecond: number;
  readonly acceptedItems: number;
  readonly requests: number;
  /** Answers other than 200, by status. */
  readonly refused: Record<string, number>;
  readonly seconds: number;
}

/** `clients` keep-alive connections posting the same body back to back; counts items answered 200. */
export async function timedLoad(options: LoadOptions): Promise<LoadResult> {
  const clients = Array.from(
    { length: options.clients ?? 8 },
    () => new Client(options.origin, { pipelining: 1, keepAliveTimeout: 30_000 }),
  );
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.gzip) headers['content-encoding'] = 'gzip';
  let measuring = false;
  let stopping = false;
  let acceptedItems = 0;
  let requests = 0;
  const refused: Record<string, number> = {};
  const loop = async (client: Client): Promise<void> => {
    while (!stopping) {
      const response = await client.request({ method: 'POST', path: options.path ?? '/v2.1/track', headers, body: options.body });
      const text = await response.body.text();
      if (!measuring) continue;
      requests++;
      if (response.statusCode === 200) {
        acceptedItems += (JSON.parse(text) as { itemsAccepted: number }).itemsAccepted;
      } else {
        refused[response.statusCode] = (refused[response.statusCode] ?? 0) + 1;
        // A refusing server (e.g. 503 queue full) is not hammered; a real SDK would back off longer.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  };
  const loops = clients.map(loop);
  await new Promise((resolve) => setTimeout(resolve, options.warmupMs));
  measuring = true;
  const started = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, options.durationMs));
  measuring = false;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  stopping = true;
  await Promise.all(loops);
  await Promise.all(clients.map((client) => client.close()));
  return { itemsPerSecond: acceptedItems / seconds, acceptedItems, requests, refused, seconds };
}

export interface ChildServer<Ready, Stopped> {
  readonly ready: Ready;
  stop(): Promise<Stopped>;
}

/** Forks a bench helper script (compiled next to this file) and waits for its `ready` message. */
export function startChild<Ready, Stopped>(script: string, args: string[], execArgv: string[] = []): Promise<ChildServer<Ready, Stopped>> {
  const child: ChildProcess = fork(path.join(__dirname, script), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${script} exited with ${code} before it was ready`));
    child.once('exit', onExit);
    child.once('message', (message: { type: string; ready?: Ready; error?: string }) => {
      child.off('exit', onExit);
      if (message.type !== 'ready') {
        reject(new Error(`${script}: ${message.error ?? JSON.stringify(message)}`));
        return;
      }
      resolve({
        ready: message.ready as Ready,
        stop: () =>
          new Promise<Stopped>((done, fail) => {
            child.once('message', (reply: { type: string; stopped?: Stopped }) => done(reply.stopped as Stopped));
            child.once('exit', (code) => (code === 0 ? undefined : fail(new Error(`${script} exited with ${code}`))));
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}

/** In a forked helper: tell the parent we are ready, and run `stop` when it asks. */
export function serveParent<Ready, Stopped>(ready: Ready, stop: () => Promise<Stopped>): void {
  process.send?.({ type: 'ready', ready });
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    void stop().then((stopped) => process.send?.({ type: 'stopped', stopped }, () => process.exit(0)));
  });
}

export function failParent(error: unknown): void {
  process.send?.({ type: 'error', error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1));
}
