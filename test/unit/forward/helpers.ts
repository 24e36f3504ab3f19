/**
 * Shared by the forwarder tests: a ForwardQueue on a fresh temp folder pointed at a fake ingestion
 * server, with fast retry knobs and a captured log.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import type { Envelope } from '../../../src/core/envelope';
import { ForwardQueue, ForwardQueueOptions, ForwardStats } from '../../../src/core/forward';
import type { FakeIngestion } from '../../fakes/fakeIngestion';

export const LOCAL_KEY = '11111111-2222-4333-8444-555555555555';
export const REAL_KEY = 'a1b2c3d4-e5f6-4789-8abc-def012345678';

export interface LogLine {
  level: string;
  message: string;
}

export interface TestQueue {
  queue: ForwardQueue;
  /** The storage folder given to the queue. */
  storageDir: string;
  /** This process's queue folder inside it (`<storageDir>/p<pid>`). */
  dir: string;
  logs: LogLine[];
}

export function tempDir(prefix = 'azmon-forward-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function connectionStringFor(fake: FakeIngestion, key = REAL_KEY, extra = ''): ReturnType<typeof parseConnectionStringOrThrow> {
  return parseConnectionStringOrThrow(`InstrumentationKey=${key};IngestionEndpoint=${fake.url}${extra}`);
}

export async function openQueue(fake: FakeIngestion | undefined, options: Partial<ForwardQueueOptions> = {}): Promise<TestQueue> {
  const storageDir = options.storageDir ?? path.join(tempDir(), 'forward-queue');
  const logs: LogLine[] = [];
  const queue = await ForwardQueue.open({
    storageDir,
    connectionString: fake ? connectionStringFor(fake) : undefined,
    localInstrumentationKey: LOCAL_KEY,
    backoffBaseMs: 20,
    backoffMaxMs: 100,
    requestTimeoutMs: 2000,
    log: (level, message) => logs.push({ level, message }),
    ...options,
  });
  return { queue, storageDir, dir: queue.directory, logs };
}

let counter = 0;

/** An envelope as the relay hands it over: local key in iKey and in the keyed name form. */
export function envelope(message = `item ${counter++}`, keyedName = false): Envelope {
  return {
    name: keyedName ? `Microsoft.ApplicationInsights.${LOCAL_KEY.replace(/-/g, '')}.Message` : 'Microsoft.ApplicationInsights.Message',
    time: '2026-11-24T17:38:38.982Z',
    iKey: LOCAL_KEY,
    tags: { 'ai.cloud.role': 'forward-tests' },
    data: { baseType: 'MessageData', baseData: { ver: 2, message, severityLevel: 1 } },
  };
}

export function envelopes(count: number, prefix = 'item'): Envelope[] {
  return Array.from({ length: count }, (_, index) => envelope(`${prefix} ${index}`));
}

export function messagesOf(items: { data?: { baseData?: Record<string, unknown> } }[]): string[] {
  return items.map((item) => String(item.data?.baseData?.message));
}

/** File names in a folder and its subfolders (a missing folder has none). */
export function queueFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? queueFiles(path.join(dir, entry.name)) : [entry.name]))
    .sort();
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls until `predicate(stats)` holds; fails with the last stats. */
export async function waitForStats(
  queue: ForwardQueue,
  predicate: (stats: ForwardStats) => boolean,
  timeoutMs = 5000,
): Promise<ForwardStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = queue.stats();
    if (predicate(stats)) return stats;
    if (Date.now() > deadline) throw new Error(`stats never matched: ${JSON.stringify(stats)}`);
    await delay(10);
  }
}
