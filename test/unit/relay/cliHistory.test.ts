import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { HistoryStore } from '../../../src/core/history';
import { parseImport } from '../../../src/core/panel/ndjson';
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

  it('history list and history export read a kept history without trimming it; export feeds Import', async () => {
    const dir = tempDir('azmon-relay-history-');
    // Recorded 30 days ago: past the recording default of 7 days, still listed and exported here.
    const longAgo = Date.now() - 30 * 24 * 3600_000;
    const recorded = await HistoryStore.open(dir, { now: () => longAgo, commitDelayMs: 1 });
    const capture = JSON.parse(loadCaptures((name) => name === 'node-otel-azure-exporter.req1')[0].body.toString('utf8')) as Envelope[];
    const old = recorded.startRun('nightly \u001b[31mred\u001b[0m\tjob', 'relay');
    recorded.append(old, capture);
    await recorded.endRun(old);
    const empty = recorded.startRun('nothing sent', 'relay', longAgo + 1000);
    await recorded.close();

    const list = run(cli, ['history', 'list', dir]);
    assert.strictEqual(await list.exit, 0, list.stderr());
    const lines = list.stdout().trim().split('\n');
    assert.deepStrictEqual(lines[0].split('\t'), ['id', 'start', 'end', 'items', 'size', 'name']);
    assert.strictEqual(lines.length, 3);
    const row = lines[1].split('\t');
    assert.deepStrictEqual([row[0], row[1], row[3], row[5]], [old, new Date(longAgo).toISOString(), '10', 'nightly  [31mred [0m job']);
    assert.ok(!list.stdout().includes('\u001b'), 'no terminal escapes from the folder reach the terminal');

    const json = run(cli, ['history', 'list', dir, '--json']);
    assert.strictEqual(await json.exit, 0);
    const runs = json
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepStrictEqual(
      runs.map((entry) => [entry.id, entry.items]),
      [
        [old, 10],
        [empty, 0],
      ],
    );

    const file = path.join(tempDir('azmon-relay-export-'), 'run.ndjson');
    const exported = run(cli, ['history', 'export', dir, 'latest', file]);
    assert.strictEqual(await exported.exit, 0, exported.stderr());
    assert.match(exported.stderr(), /Exported 10 items of "nightly/);
    assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
    const imported = parseImport(fs.readFileSync(file, 'utf8'), CAPTURE_KEY);
    assert.ok(imported.ok, imported.ok ? '' : imported.message);
    assert.deepStrictEqual(
      imported.envelopes.map((envelope) => envelope.name),
      capture.map((envelope) => envelope.name),
    );
    assert.deepStrictEqual(fs.readdirSync(path.dirname(file)), ['run.ndjson'], 'no partial file left');

    const toStdout = run(cli, ['history', 'export', dir, old, '-']);
    assert.strictEqual(await toStdout.exit, 0);
    assert.strictEqual(toStdout.stdout().trim().split('\n').length, 10);

    const missing = run(cli, ['history', 'export', dir, 'r0-00000000', file]);
    assert.strictEqual(await missing.exit, 1);
    assert.match(missing.stderr(), /No run r0-00000000/);

    const nowhere = path.join(tempDir('azmon-relay-history-'), 'typo');
    const notHistory = run(cli, ['history', 'list', nowhere]);
    assert.strictEqual(await notHistory.exit, 1);
    assert.match(notHistory.stderr(), /holds no telemetry history/);
    assert.ok(!fs.existsSync(nowhere), 'a mistyped folder is not created');

    const usage = run(cli, ['history', 'export', dir]);
    assert.strictEqual(await usage.exit, 2);
    assert.match(usage.stderr(), /Usage: azmon-relay history list DIR/);

    const reopened = await HistoryStore.open(dir, { maxBytes: Number.MAX_SAFE_INTEGER, maxAgeMs: Number.MAX_SAFE_INTEGER });
    assert.strictEqual(reopened.listRuns().length, 2, 'listing and exporting dropped nothing');
    await reopened.close();
  });

  it('a history folder it cannot create turns the history off, never the relay', async () => {
    const blocker = path.join(tempDir('azmon-relay-history-'), 'a-file');
    fs.writeFileSync(blocker, 'not a folder');
    const running = run(cli, [
      '--no-https',
      '--no-forward',
      '--storage',
      tempDir('azmon-relay-storage-'),
      '--local-key',
      CAPTURE_KEY,
      '--history',
      path.join(blocker, 'history'),
    ]);
    try {
      const port = portOf(await firstLine(running));
      // Answered 200: accepted and relayed without the history.
      await sendCapture(port, 'py-opencensus-logs.req1');
      assert.strictEqual(await stop(running, 'SIGTERM'), 0, running.stderr());
      assert.match(running.stderr(), /Telemetry history is off \(error: ENOTDIR/);
      assert.doesNotMatch(running.stderr(), /Keeping the telemetry history/);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('refuses a bad --history-runs value', async () => {
    const running = run(cli, ['--history', tempDir('azmon-relay-history-'), '--history-runs', 'bogus']);
    assert.strictEqual(await running.exit, 2);
    assert.match(running.stderr(), /--history-runs must be "session" or "app"/);
  });
});
