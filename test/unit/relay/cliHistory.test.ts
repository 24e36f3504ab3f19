import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { HistoryStore } from '../../../src/core/history';
import { buildCli, firstLine, run, Running } from './cliProcess';
import { CAPTURE_KEY, loadCaptures, send, tempDir } from './helpers';

/** Sends a real SDK capture to the relay and expects every item accepted. */
async function sendCapture(port: number, name: string): Promise<number> {
  const capture = loadCaptures((candidate) => candidate === name)[0];
  const headers = { ...capture.meta.headers };
  delete headers.host;
  const reply = await send(port, { path: capture.meta.path, headers, body: capture.body });
  assert.strictEqual(reply.status, 200, reply.text);
  return capture.meta.items;
}

function portOf(line: string): number {
  return Number(/:(\d+)\/$/.exec(JSON.parse(line).url)![1]);
}

async function allItems(history: HistoryStore, runId: string): Promise<Envelope[]> {
  const items: Envelope[] = [];
  for await (const block of history.readRun(runId)) items.push(...block);
  return items;
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<number> {
  const started = Date.now();
  running.child.kill(signal);
  const code = await running.exit;
  // The relay's whole stop, history included, is bounded by SHUTDOWN_TIMEOUT_MS (4 s), plus the process's start-up of its exit.
  assert.ok(Date.now() - started < 8000, `stopped in ${Date.now() - started} ms`);
  return code ?? -1;
}

describe('azmon-relay --history', function () {
  this.timeout(30000);
  let cli: string;
  before(async () => {
    cli = await buildCli();
  });

  it('records what it accepts into one run for the session, private on disk, closed on SIGTERM', async () => {
    const dir = path.join(tempDir('azmon-relay-history-'), 'ci history');
    const running = run(cli, [
      '--no-https',
      '--no-forward',
      '--storage',
      tempDir('azmon-relay-storage-'),
      '--local-key',
      CAPTURE_KEY,
      '--history',
      dir,
    ]);
    try {
      const port = portOf(await firstLine(running));
      let sent = 0;
      sent += await sendCapture(port, 'py-opencensus-logs.req1');
      sent += await sendCapture(port, 'py-otel-azure-exporter.req1');
      sent += await sendCapture(port, 'py-applicationinsights-legacy.req1');
      assert.strictEqual(await stop(running, 'SIGTERM'), 0, running.stderr());
      assert.match(running.stderr(), /Keeping the telemetry history in .*ci history \(one run\)/);

      assert.strictEqual(fs.statSync(dir).mode & 0o777, 0o700);
      const files = fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      assert.ok(files.length >= 2, 'run list and a segment');
      for (const file of files) assert.strictEqual(fs.statSync(path.join(file.parentPath, file.name)).mode & 0o777, 0o600, file.name);

      const history = await HistoryStore.open(dir);
      try {
        const runs = history.listRuns();
        assert.strictEqual(runs.length, 1);
        const [only] = runs;
        assert.strictEqual(only.name, `azmon-relay in ${path.basename(process.cwd())}`);
        assert.strictEqual(only.source, 'relay');
        assert.ok(only.endMs !== undefined && only.endMs >= only.startMs, 'the run was ended');
        assert.strictEqual(only.items, sent);
        const items = await allItems(history, only.id);
        assert.strictEqual(items.filter((item) => item.tags?.['ai.cloud.role'] === 'oc_logs.py').length, 6, 'the OpenCensus logs, as sent');
        assert.strictEqual(items.filter((item) => item.tags?.['ai.cloud.role'] === undefined).length, 8, 'the legacy SDK items');
        const found = await history.search('heldout-py-otel');
        assert.ok(found.total >= 9, `search finds the OTel app's items: ${found.total}`);
      } finally {
        await history.close();
      }
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('with --history-runs app, keeps a run per app and adds to the same history on the next start (SIGINT)', async () => {
    const dir = tempDir('azmon-relay-history-');
    const storage = tempDir('azmon-relay-storage-');
    const args = [
      '--no-https',
      '--no-forward',
      '--storage',
      storage,
      '--local-key',
      CAPTURE_KEY,
      '--history',
      dir,
      '--history-runs',
      'app',
    ];
    const first = run(cli, args);
    try {
      const port = portOf(await firstLine(first));
      await sendCapture(port, 'node-otel-azure-exporter.req1');
      await sendCapture(port, 'py-opencensus-trace.req1');
      await sendCapture(port, 'node-otel-azure-exporter.req2');
      assert.strictEqual(await stop(first, 'SIGINT'), 0, first.stderr());
    } finally {
      first.child.kill('SIGKILL');
    }
    const second = run(cli, args);
    try {
      const port = portOf(await firstLine(second));
      await sendCapture(port, 'py-opencensus-trace.req2');
      assert.strictEqual(await stop(second, 'SIGTERM'), 0, second.stderr());
    } finally {
      second.child.kill('SIGKILL');
    }
    const history = await HistoryStore.open(dir);
    try {
      const runs = history.listRuns();
      assert.deepStrictEqual(runs.map((runInfo) => `${runInfo.name}: ${runInfo.items}`).sort(), [
        'heldout-node-otel on af63829bd317: 13',
        'oc_trace.py on vm: 5',
        'oc_trace.py on vm: 5',
      ]);
      assert.ok(runs.every((runInfo) => runInfo.endMs !== undefined));
    } finally {
      await history.close();
    }
  });

  it('refuses a bad --history-runs value', async () => {
    const running = run(cli, ['--history', tempDir('azmon-relay-history-'), '--history-runs', 'bogus']);
    assert.strictEqual(await running.exit, 2);
    assert.match(running.stderr(), /--history-runs must be "session" or "app"/);
  });
});
