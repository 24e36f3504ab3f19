import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { HistoryRecorder, HistoryRecorderOptions, HistoryStore, MAX_RUN_NAME_CHARS, RunInfo } from '../../../src/core/history';
import { CAPTURES_DIR } from '../relay/helpers';
import { allItems, message, messagesOf, openHistory, tempDir } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

const NAMES: HistoryRecorderOptions['names'] = {
  session: () => 'Relay session',
  app: (role, instance) => (instance ? `${role} on ${instance}` : role),
  unnamedApp: () => 'App without a role',
  otherApps: () => 'Other apps',
  imported: () => 'Imported',
};

function fromApp(text: string, role: unknown, instance?: unknown): Envelope {
  const envelope = message(text);
  const tags: Record<string, unknown> = { 'ai.operation.id': 'op' };
  if (role !== undefined) tags['ai.cloud.role'] = role;
  if (instance !== undefined) tags['ai.cloud.roleInstance'] = instance;
  return { ...envelope, tags: tags as Envelope['tags'] };
}

/** A recorder over a real history on disk, with a clock the test moves. */
async function setUp(options: Partial<HistoryRecorderOptions> = {}): Promise<{
  history: HistoryStore;
  recorder: HistoryRecorder;
  clock: { ms: number };
  runs: () => Promise<RunInfo[]>;
}> {
  const clock = { ms: Date.UTC(2026, 11, 6, 10, 0, 0) };
  const history = await openHistory(tempDir());
  const recorder = new HistoryRecorder(history, { names: NAMES, now: () => clock.ms, ...options });
  return {
    history,
    recorder,
    clock,
    runs: async () => {
      await recorder.settled();
      await history.flush();
      return history.listRuns();
    },
  };
}

async function itemsByRunName(history: HistoryStore): Promise<Record<string, string[]>> {
  await history.flush();
  const result: Record<string, string[]> = {};
  for (const run of history.listRuns()) result[run.name] = [...(result[run.name] ?? []), ...messagesOf(await allItems(history, run.id))];
  return result;
}

describe('HistoryRecorder: which run a batch belongs to', () => {
  it('session mode keeps the whole relay session in one run, named once', async () => {
    const { history, recorder, runs } = await setUp({ runs: 'session' });
    recorder.record([fromApp('a1', 'a', 'vm')], { source: 'relay' });
    recorder.record([fromApp('b1', 'b', 'vm'), fromApp('a2', 'a', 'vm')], { source: 'relay' });
    recorder.launch({ name: 'ignored.py', exclusive: true });
    recorder.record([fromApp('c1', 'c')], { source: 'relay' });
    assert.deepStrictEqual(await itemsByRunName(history), { 'Relay session': ['a1', 'b1', 'a2', 'c1'] });
    assert.deepStrictEqual(
      (await runs()).map((run) => [run.source, run.active]),
      [['relay', true]],
    );
    await recorder.close();
    assert.strictEqual((await runs())[0].active, false);
    await history.close();
  });

  it('gives each app its own run by cloud role and instance, and splits a mixed batch', async () => {
    const { history, recorder } = await setUp();
    recorder.record([fromApp('w1', 'web', 'vm1'), fromApp('w2', 'web', 'vm1')], { source: 'relay' });
    recorder.record([fromApp('x1', 'worker', 'vm1'), fromApp('w3', 'web', 'vm1'), fromApp('y1', 'web', 'vm2')], { source: 'relay' });
    recorder.record([fromApp('legacy1', undefined)], { source: 'relay' });
    assert.deepStrictEqual(await itemsByRunName(history), {
      'web on vm1': ['w1', 'w2', 'w3'],
      'worker on vm1': ['x1'],
      'web on vm2': ['y1'],
      'App without a role': ['legacy1'],
    });
    await recorder.close();
    await history.close();
  });

  it('tells the real SDKs of the captures apart: one run per app', async () => {
    const { history, recorder } = await setUp();
    const captures = [
      'py-otel-azure-exporter.req1',
      'node-otel-azure-exporter.req1',
      'py-applicationinsights-legacy.req1',
      'py-opencensus-logs.req1',
    ];
    for (const name of captures) {
      const text = fs.readFileSync(path.join(CAPTURES_DIR, `${name}.body.json`), 'utf8');
      const parsed: unknown = text.trimStart().startsWith('[')
        ? JSON.parse(text)
        : text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line));
      recorder.record(parsed as Envelope[], { source: 'relay' });
    }
    await history.flush();
    const names = history
      .listRuns()
      .map((run) => `${run.name}: ${run.items}`)
      .sort();
    assert.deepStrictEqual(names, [
      'App without a role: 8',
      'heldout-node-otel on af63829bd317: 10',
      'heldout-py-otel on 9d21fbeee984: 9',
      'oc_logs.py on vm: 6',
    ]);
    await recorder.close();
    await history.close();
  });

  it('records an import as a run of its own, ended at once, and never records what the history restored', async () => {
    const { history, recorder, runs } = await setUp();
    recorder.record([fromApp('i1', 'a'), fromApp('i2', 'b')], { source: 'imported', name: 'ci-run.json' });
    recorder.record([fromApp('i3', 'a')], { source: 'imported' });
    recorder.record([fromApp('restored', 'a')], { source: 'history', name: 'earlier' });
    const list = await runs();
    assert.deepStrictEqual(list.map((run) => [run.name, run.source, run.items]).sort(), [
      ['Imported', 'imported', 1],
      ['ci-run.json', 'imported', 2],
    ]);
    assert.ok(
      history.listRuns().every((run) => !run.active),
      'imports are ended',
    );
    await recorder.close();
    await history.close();
  });

  it('a launch names the run of the next new app and dates it from the launch', async () => {
    const { history, recorder, clock, runs } = await setUp();
    recorder.record([fromApp('s1', 'server', 'vm')], { source: 'relay' });
    const launchedAt = clock.ms + 1000;
    clock.ms = launchedAt;
    recorder.launch({ name: '/home/me/proj/train.py', key: 'run:/home/me/proj/train.py', exclusive: true });
    clock.ms += 3000;
    // The server already has a run: it keeps it, and the launch waits for the new app.
    recorder.record([fromApp('s2', 'server', 'vm')], { source: 'relay' });
    recorder.record([fromApp('t1', 'unknown_service', 'vm')], { source: 'relay' });
    recorder.record([fromApp('o1', 'other', 'vm')], { source: 'relay' });
    assert.deepStrictEqual(await itemsByRunName(history), {
      'server on vm': ['s1', 's2'],
      '/home/me/proj/train.py': ['t1'],
      'other on vm': ['o1'],
    });
    assert.strictEqual((await runs()).find((run) => run.name.endsWith('train.py'))!.startMs, launchedAt);
    await recorder.close();
    await history.close();
  });

  it('running the same script again starts a new run, though the app sends the same role and instance', async () => {
    const { history, recorder, clock, runs } = await setUp();
    recorder.launch({ name: 'app.py', key: 'run:app.py', exclusive: true });
    recorder.record([fromApp('first', 'unknown_service', 'vm')], { source: 'relay' });
    clock.ms += 20_000;
    recorder.launch({ name: 'app.py', key: 'run:app.py', exclusive: true });
    clock.ms += 1000;
    recorder.record([fromApp('second', 'unknown_service', 'vm')], { source: 'relay' });
    clock.ms += 1000;
    recorder.launch({ name: 'other.py', key: 'run:other.py', exclusive: true });
    recorder.record([fromApp('third', 'unknown_service', 'vm')], { source: 'relay' });
    const list = await runs();
    assert.deepStrictEqual(
      await Promise.all(list.map(async (run) => [run.name, messagesOf(await allItems(history, run.id)), run.active])),
      [
        ['app.py', ['first'], false],
        ['app.py', ['second'], false],
        ['other.py', ['third'], true],
      ],
    );
    await recorder.close();
    await history.close();
  });

  it('a terminal command (not exclusive) only claims a new app, and is forgotten once it ended', async () => {
    const { history, recorder, clock } = await setUp({ endGraceMs: 10_000 });
    recorder.record([fromApp('s1', 'server', 'vm')], { source: 'relay' });
    const ls = recorder.launch({ name: 'ls -la' });
    recorder.record([fromApp('s2', 'server', 'vm')], { source: 'relay' });
    ls.end();
    clock.ms += 11_000;
    recorder.launch({ name: 'python job.py --fast' });
    recorder.record([fromApp('j1', 'job', 'vm')], { source: 'relay' });
    assert.deepStrictEqual(await itemsByRunName(history), { 'server on vm': ['s1', 's2'], 'python job.py --fast': ['j1'] });
    await recorder.close();
    await history.close();
  });

  it('a launch whose app never came is dropped after the claim window', async () => {
    const { history, recorder, clock } = await setUp({ claimMs: 60_000 });
    recorder.launch({ name: 'never-sends.py', exclusive: true });
    clock.ms += 61_000;
    recorder.record([fromApp('late', 'late-app')], { source: 'relay' });
    assert.deepStrictEqual(await itemsByRunName(history), { 'late-app': ['late'] });
    await recorder.close();
    await history.close();
  });

  it('ends a launch run shortly after its launch ended, keeping what the app flushed at exit', async () => {
    const { history, recorder, runs } = await setUp({ endGraceMs: 30 });
    const launch = recorder.launch({ name: 'debug: main.py', exclusive: true });
    recorder.record([fromApp('m1', 'main')], { source: 'relay' });
    launch.end();
    recorder.record([fromApp('m2-at-exit', 'main')], { source: 'relay' });
    assert.strictEqual((await runs())[0].active, true);
    const deadline = Date.now() + 5000;
    while ((await runs())[0].active) {
      assert.ok(Date.now() < deadline, 'the run ends after the grace');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    recorder.record([fromApp('m3-later', 'main')], { source: 'relay' });
    assert.deepStrictEqual(await itemsByRunName(history), { 'debug: main.py': ['m1', 'm2-at-exit'], main: ['m3-later'] });
    await recorder.close();
    await history.close();
  });

  it("ends an app's run after it was idle, and the next items start a new run", async () => {
    const { history, recorder, clock, runs } = await setUp({ idleEndMs: 60_000 });
    recorder.record([fromApp('a1', 'app')], { source: 'relay' });
    clock.ms += 30_000;
    recorder.record([fromApp('a2', 'app')], { source: 'relay' });
    clock.ms += 61_000;
    recorder.record([fromApp('a3', 'app')], { source: 'relay' });
    const list = await runs();
    assert.deepStrictEqual(await Promise.all(list.map(async (run) => [messagesOf(await allItems(history, run.id)), run.active])), [
      [['a1', 'a2'], false],
      [['a3'], true],
    ]);
    await recorder.close();
    await history.close();
  });
});

describe('HistoryRecorder: hostile input', () => {
  it('keeps at most maxOpenApps runs open; further apps share one run', async () => {
    const { history, recorder, runs } = await setUp({ maxOpenApps: 3 });
    const batch = Array.from({ length: 500 }, (_, index) => fromApp(`m${index}`, `role-${index}`, 'vm'));
    recorder.record(batch, { source: 'relay' });
    for (let index = 0; index < 50; index++) recorder.launch({ name: `flood ${index}` });
    recorder.record([fromApp('late', 'role-late', 'vm')], { source: 'relay' });
    const list = await runs();
    assert.ok(list.length <= 3 + 1 + 3, `runs: ${list.length}`);
    assert.ok(list.filter((run) => run.active).length <= 4, 'open runs are bounded');
    const other = list.find((run) => run.name === 'Other apps');
    assert.ok(other && other.items >= 497 - 3, 'the rest share one run');
    assert.strictEqual(
      list.reduce((sum, run) => sum + run.items, 0),
      501,
      'every item is recorded',
    );
    await recorder.close();
    await history.close();
  });

  it('names are redacted, then cut to 120 characters; odd tags count as no role', async () => {
    const key = '0a1b2c3d-1111-2222-3333-444455556666';
    const { history, recorder, clock } = await setUp({ redact: (text) => text.split('s3cret-token').join('«redacted»') });
    recorder.launch({ name: `APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=${key}" python a.py --token s3cret-token\n\u0007` });
    recorder.record([fromApp('launched', 'launched-app', 'vm')], { source: 'relay' });
    clock.ms += 1;
    recorder.record([fromApp('x', 'x'.repeat(100_000), 'vm')], { source: 'relay' });
    clock.ms += 1;
    recorder.record([fromApp('y', `InstrumentationKey=${key};${'y'.repeat(500)}`)], { source: 'relay' });
    clock.ms += 1;
    recorder.record([fromApp('z', { toString: 'evil' }, 42)], { source: 'relay' });
    recorder.record([{ ...message('n'), tags: null } as unknown as Envelope], { source: 'relay' });
    await history.flush();
    const runs = history.listRuns();
    for (const { name } of runs) {
      assert.ok(name.length <= MAX_RUN_NAME_CHARS + 1, `${name.length} chars`);
      assert.ok(!name.includes(key) && !name.includes('1111-2222'), name);
      assert.ok(!name.includes('s3cret-token') && ![...name].some((character) => character.charCodeAt(0) < 0x20), name);
    }
    assert.deepStrictEqual(
      runs.map((run) => run.items),
      [1, 1, 1, 2],
    );
    assert.strictEqual(runs[0].name, 'APPLICATIONINSIGHTS_CONNECTION_STRING="InstrumentationKey=0a1b…6666" python a.py --token «redacted»');
    assert.strictEqual(runs[1].name, `${'x'.repeat(MAX_RUN_NAME_CHARS)}…`);
    assert.match(runs[2].name, /^InstrumentationKey=0a1b…6666;y+…$/);
    assert.strictEqual(runs[3].name, 'App without a role');
    await recorder.close();
    await history.close();
  });
});

describe('HistoryRecorder: the relay request body (issue 16, ingest speed)', () => {
  it('stores the body for a batch that goes to one run, and the envelopes for the parts of a batch split between runs', async () => {
    const { history, recorder } = await setUp();
    // The body is marked apart from the envelopes to show which one was stored.
    const whole = [fromApp('a1', 'a', 'vm')];
    recorder.record(whole, { source: 'relay', body: Buffer.from(JSON.stringify([fromApp('a1 from the body', 'a', 'vm')])) });
    const mixed = [fromApp('a2', 'a', 'vm'), fromApp('b1', 'b', 'vm')];
    const mixedBody = Buffer.from(JSON.stringify(mixed.map((envelope) => fromApp('never stored', envelope.tags!['ai.cloud.role']))));
    recorder.record(mixed, { source: 'relay', body: mixedBody });
    assert.deepStrictEqual(await itemsByRunName(history), { 'a on vm': ['a1 from the body', 'a2'], 'b on vm': ['b1'] });
    await recorder.close();
    await history.close();
  });
});
