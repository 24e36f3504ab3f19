/**
 * The telemetry history on disk (issue 16), N distinct items built from the real SDK captures
 * (`BENCH_HISTORY_ITEMS`, default 1,000,000):
 * - ingest: parse each 512-item request body (a Buffer) and add it to the store with the body on
 *   the origin, as the relay's intake does, with the history recording (it takes the body as
 *   received; a worker thread splits, indexes and gzips it) vs without: the same loop, the same
 *   yields to the event loop, timed until the history has written everything; goal ≥ 0.8;
 * - bytes on disk per item vs the gzip of the same request bodies; goal ≤ 1.5×;
 * - reopening the N items to a first page (open + newest 200 items); limit 1 s; baseline: reading,
 *   gunzipping and parsing one gzip request body of 512 items (the least any reopen does);
 * - search p95 over varied queries (ids, common and absent words, two words); limit 200 ms;
 *   baseline: one brute-force scan of every block (what search would cost without the filter).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { gunzipSync, gzip as gzipCallback } from 'zlib';
import type { Envelope } from '../src/core/envelope';
import { HistoryStore } from '../src/core/history';
import { TelemetryStore } from '../src/core/store';
import { BenchResult, result, round } from './benchResult';
import { BATCH_ITEMS, buildBatch, uniqueBatchText } from './workload';

const gzip = promisify(gzipCallback);
const ITEMS = Number(process.env.BENCH_HISTORY_ITEMS ?? 1_000_000);
const KEY = '00000000-0000-0000-0000-00000000beef';

function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * What the relay does per request once the app's body is read: parse the Buffer, add the envelopes
 * to the store with the body on the origin (every item accepted), and the history, when there is
 * one, takes the batch from the store's listener as the extension's tap does.
 */
async function ingest(batches: number, template: readonly Envelope[], history: HistoryStore | undefined): Promise<number> {
  const store = new TelemetryStore();
  const run = history?.startRun('bench.py');
  if (history && run) store.onEnvelopes((envelopes, origin) => history.append(run, envelopes, origin.body));
  const started = process.hrtime.bigint();
  for (let batch = 0; batch < batches; batch++) {
    const body = Buffer.from(uniqueBatchText(batch, template));
    const envelopes = JSON.parse(body.toString('utf8')) as Envelope[];
    store.add(envelopes, 'local', { source: 'relay', body });
    await yieldToLoop();
  }
  await history?.flush();
  return (batches * template.length) / (Number(process.hrtime.bigint() - started) / 1e9);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : fs.statSync(full).size;
  }
  return total;
}

export async function run(): Promise<BenchResult[]> {
  const template = buildBatch(KEY, BATCH_ITEMS);
  const batches = Math.max(2, Math.ceil(ITEMS / BATCH_ITEMS));
  const items = batches * BATCH_ITEMS;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-history-bench-'));
  try {
    // Ingest: warm both paths, then measure off / on / off / on and keep each one's best.
    const ingestBatches = Math.min(batches, 400);
    await ingest(20, template, undefined);
    const off: number[] = [];
    const on: number[] = [];
    for (let round = 0; round < 2; round++) {
      off.push(await ingest(ingestBatches, template, undefined));
      const history = await HistoryStore.open(path.join(root, `ingest${round}`));
      on.push(await ingest(ingestBatches, template, history));
      await history.close();
    }

    // The full history of N items (written as fast as it takes them).
    const dir = path.join(root, 'history');
    const writer = await HistoryStore.open(dir, { maxBytes: 64 * 1024 * 1024 * 1024 });
    const runId = writer.startRun('bench.py');
    let gzipBytes = 0;
    for (let batch = 0; batch < batches; batch++) {
      const text = uniqueBatchText(batch, template);
      gzipBytes += (await gzip(text)).length;
      writer.append(runId, JSON.parse(text) as Envelope[], text);
      if (batch % 64 === 63) await writer.flush();
    }
    await writer.close();
    const diskBytes = folderBytes(dir);

    // Reopen to a first page.
    const reopenStarted = process.hrtime.bigint();
    const reader = await HistoryStore.open(dir, { maxBytes: 64 * 1024 * 1024 * 1024 });
    const firstPage = await reader.readLatest(200);
    const reopenMs = Number(process.hrtime.bigint() - reopenStarted) / 1e6;
    if (firstPage.length !== 200) throw new Error(`first page has ${firstPage.length} items`);
    const oneBody = await gzip(uniqueBatchText(0, template));
    const bodyFile = path.join(root, 'body.gz');
    fs.writeFileSync(bodyFile, oneBody);
    const baselineStarted = process.hrtime.bigint();
    JSON.parse(gunzipSync(fs.readFileSync(bodyFile)).toString('utf8'));
    const bodyMs = Number(process.hrtime.bigint() - baselineStarted) / 1e6;

    // Search: ids from across the history, common words, absent words, two words.
    const idOf = (batch: number, index: number): string => {
      const unique = (batch * BATCH_ITEMS + index).toString(16).padStart(16, '0');
      return `${unique}${unique}`;
    };
    const queries: string[] = [];
    for (let i = 0; i < 10; i++) queries.push(idOf(Math.floor((batches * (i + 0.5)) / 10), (i * 37) % BATCH_ITEMS));
    queries.push('exception', 'GET', 'heldout', 'python', 'py3', 'Information', 'http', 'event', 'request', 'dependency');
    for (let i = 0; i < 10; i++) queries.push(`absentword${i}`);
    for (let i = 0; i < 10; i++) queries.push(`heldout ${idOf(Math.floor((batches * i) / 10), 5).slice(0, 12)}`);
    const times: number[] = [];
    let hits = 0;
    for (const query of queries) {
      const started = process.hrtime.bigint();
      const found = await reader.search(query, { limit: 200 });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      hits += found.total;
    }
    const p95 = percentile(times, 95);
    const scanStarted = process.hrtime.bigint();
    let scanned = 0;
    for await (const block of reader.readRun(runId))
      scanned += block.filter((envelope) => JSON.stringify(envelope).toLowerCase().includes('absentword')).length + 0 * block.length;
    const scanMs = Number(process.hrtime.bigint() - scanStarted) / 1e6;
    await reader.close();

    const ingestOn = Math.max(...on);
    const ingestOff = Math.max(...off);
    return [
      result(
        { name: 'history-ingest-on-vs-off', ours: ingestOn, baseline: ingestOff, unit: 'items/s', goal: 0.8, better: 'higher' },
        { items: ingestBatches * BATCH_ITEMS },
      ),
      result(
        {
          name: 'history-bytes-per-item-vs-gzip',
          ours: diskBytes / items,
          baseline: gzipBytes / items,
          unit: 'bytes/item',
          goal: 1.5,
          better: 'lower',
        },
        { items, diskMiB: round(diskBytes / 1048576, 1) },
      ),
      result(
        { name: 'history-reopen-first-page', ours: reopenMs, baseline: bodyMs, unit: 'ms' },
        { items, limitMs: 1000, underLimit: reopenMs <= 1000 },
      ),
      result(
        { name: 'history-search-p95', ours: p95, baseline: scanMs, unit: 'ms', goal: 1, better: 'lower' },
        {
          items,
          queries: queries.length,
          hits,
          medianMs: round(percentile(times, 50), 2),
          limitMs: 200,
          underLimit: p95 <= 200,
          scanMatches: scanned,
        },
      ),
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
