/**
 * Upstream faults during a long stream (issue 8). Apps (forked processes posting 512-item batches
 * of real captured SDK envelopes, each item with a unique id) stream through the headless relay
 * (`dist/cli.js`, a child process with its disk-backed ForwardQueue) to the fake ingestion server,
 * which meanwhile answers, one phase after another: a 503 burst, 429 with Retry-After, connection
 * resets, timeouts (answers slower than the relay's request timeout), 206 partials, a 307 to a
 * second, "regional" fake, the upstream down for a while — and then the relay is killed with
 * SIGKILL while its queue holds a backlog and restarted on the same storage, which it replays.
 * Afterwards the fakes hold every id at least once, duplicates are counted, and the real key is
 * nowhere in the relay's storage or log. One JSON report line goes to stdout and test-results/.
 *
 *   AZMON_FAULT_ITEMS    items in the stream (default 100000)
 *   AZMON_FAULT_DOWN_MS  how long the upstream is down (default 10000; 60000 for the full minute)
 *   AZMON_FAULT_CLIENTS  app processes (default 2)
 */
import * as assert from 'assert';
import { ChildProcess, fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FakeIngestion, Fault } from '../../fakes/fakeIngestion';
import { REPO_ROOT, tempDir } from '../relay/helpers';
import type { ClientMessage, ClientReport } from './faultStreamClient';
import { ITEM_ID_PROPERTY } from './faultStreamClient';
import { assertCliBuilt, listFiles, queuedLines, RelayProcess, startRelayProcess, storageFileText } from './relayProcess';

const ITEMS = Number(process.env.AZMON_FAULT_ITEMS ?? 100_000);
const DOWN_MS = Number(process.env.AZMON_FAULT_DOWN_MS ?? 10_000);
const CLIENTS = Number(process.env.AZMON_FAULT_CLIENTS ?? 2);
/** The relay's per-request timeout in this test; the "timeout" fault answers a second later. */
const REQUEST_TIMEOUT_MS = 1500;
const RELAY_ARGS = ['--request-timeout-ms', String(REQUEST_TIMEOUT_MS), '--retry-base-ms', '100', '--retry-max-ms', '1000'];
const REAL_KEY = 'c0ffee00-1234-4abc-8def-0123456789ab';
const LOCAL_KEY = '7e57a11e-0000-4000-8000-00000000fa17';
const CLIENT_SCRIPT = path.join(__dirname, 'faultStreamClient.js');

class App {
  acked = 0;
  final: Extract<ClientReport, { done: true }> | undefined;
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(
    url: string,
    readonly first: number,
    readonly count: number,
  ) {
    this.child = fork(CLIENT_SCRIPT, [], {
      env: {
        ...process.env,
        FAULT_CLIENT_URL: `${url}v2.1/track`,
        FAULT_CLIENT_KEY: LOCAL_KEY,
        FAULT_CLIENT_FIRST: String(first),
        FAULT_CLIENT_COUNT: String(count),
      },
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.on('message', (message: ClientReport) => {
      this.acked = message.acked;
      if ('done' in message) this.final = message;
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Lets the app send up to this fraction of its items. */
  allow(fraction: number): void {
    this.send({ allow: Math.ceil(this.count * fraction) });
  }

  send(message: ClientMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  failure(): string | undefined {
    return this.child.exitCode !== null && this.child.exitCode !== 0
      ? `app ${this.first} exited ${this.child.exitCode}: ${this.stderr}`
      : undefined;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

describe('reliability: upstream faults during a long stream, relay killed and restarted', function () {
  this.timeout(300_000 + DOWN_MS * 2);
  let primary: FakeIngestion;
  let regional: FakeIngestion;
  let relay: RelayProcess | undefined;
  const apps: App[] = [];
  const relayLogs: string[] = [];

  before(() => assertCliBuilt(['--request-timeout-ms', '--retry-max-ms']));
  after(async () => {
    for (const app of apps) app.kill();
    await relay?.kill();
    await primary?.close();
    await regional?.close();
  });

  it('delivers every item at least once through 503, 429, resets, timeouts, 206, a redirect, an outage and a SIGKILL', async () => {
    const started = Date.now();
    primary = await FakeIngestion.start({ expectKey: REAL_KEY });
    regional = await FakeIngestion.start({ expectKey: REAL_KEY });
    const storage = tempDir('azmon-faults-');
    const connectionString = primary.connectionString(REAL_KEY);
    relay = await startRelayProcess({ storage, localKey: LOCAL_KEY, connectionString, port: 0, args: RELAY_ARGS });
    const port = relay.port;
    const perApp = Math.ceil(ITEMS / CLIENTS);
    for (let index = 0; index < CLIENTS; index++) {
      apps.push(new App(relay.url, index * perApp, Math.min(perApp, ITEMS - index * perApp)));
    }

    const fakes = (): FakeIngestion[] => [primary, regional];
    const accepted = (): number => primary.received().length + regional.received().length;
    const acked = (): number => apps.reduce((sum, app) => sum + app.acked, 0);
    const until = async (what: string, check: () => boolean, timeoutMs = 60_000, pollMs = 25): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        const failed = apps.map((app) => app.failure()).find(Boolean);
        if (failed) throw new Error(failed);
        if (Date.now() > deadline)
          throw new Error(
            `timed out waiting for ${what} (apps acked ${acked()}, fakes accepted ${accepted()})\nrelay log tail:\n${relay?.stderr().slice(-2000)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    };

    // The stream is cut into segments; each fault is armed before its segment is let through.
    const SEGMENTS = 10;
    let segment = 0;
    const phaseTimes: Record<string, number> = {};
    const segmentEnd = (index: number): number => Math.min(ITEMS, Math.floor((ITEMS * index) / SEGMENTS));
    const letSegmentThrough = async (): Promise<void> => {
      // The apps out-run the forwarder; a backlog of two segments at most keeps the disk queue far below its cap.
      await until(`the forwarder two segments behind at most`, () => accepted() >= segmentEnd(segment - 1), 120_000);
      segment++;
      for (const app of apps) app.allow(segment / SEGMENTS);
      await until(`segment ${segment} acknowledged`, () => acked() >= segmentEnd(segment));
    };
    /** Arms `faults` on the fake in use; done when they were answered and a later request was accepted. */
    const phase = async (name: string, fake: FakeIngestion, faults: Fault[], timeoutMs = 60_000): Promise<void> => {
      const phaseStart = Date.now();
      const before = fake.requests().length;
      fake.enqueue(...faults);
      await letSegmentThrough();
      await until(
        `${name}: the faults answered and the stream recovered`,
        () =>
          fake
            .requests()
            .slice(before + faults.length)
            .some((request) => request.status === 200),
        timeoutMs,
      );
      phaseTimes[name] = Date.now() - phaseStart;
    };

    await letSegmentThrough(); // warm-up, no fault
    await phase(
      '503 burst',
      primary,
      Array.from({ length: 5 }, () => ({ kind: 'status', status: 503 }) as const),
    );
    const before429 = primary.requests().length;
    await phase('429 + Retry-After', primary, [
      { kind: 'status', status: 429, retryAfter: 1 },
      { kind: 'status', status: 429, retryAfter: '1' },
    ]);
    const after429 = primary.requests().slice(before429, before429 + 3);
    for (let index = 1; index < after429.length; index++) {
      assert.ok(
        after429[index].at - after429[index - 1].at >= 900,
        `the request after a 429 with Retry-After: 1 waited ${after429[index].at - after429[index - 1].at} ms`,
      );
    }
    await phase('connection resets', primary, [{ kind: 'reset' }, { kind: 'reset' }, { kind: 'reset' }]);
    const beforeTimeouts = primary.requests().length;
    await phase('timeouts', primary, [
      { kind: 'delay', ms: REQUEST_TIMEOUT_MS + 1000 },
      { kind: 'delay', ms: REQUEST_TIMEOUT_MS + 1000 },
    ]);
    const codes = Array.from({ length: 512 }, (_, index) => [500, 503, 429, 408][index % 7] ?? 200);
    await phase('206 partials', primary, [
      { kind: 'partial', codes },
      { kind: 'partial', codes },
    ]);

    // The global endpoint now sends everyone to the regional one (the relay remembers; after a restart it is told again).
    let phaseStart = Date.now();
    primary.setPlan(() => ({ kind: 'redirect', location: regional.url }));
    await letSegmentThrough();
    await until('the redirect followed', () => regional.requests().some((request) => request.status === 200));
    phaseTimes['307 to regional'] = Date.now() - phaseStart;

    await phase(`upstream down ${DOWN_MS / 1000} s`, regional, [{ kind: 'down', ms: DOWN_MS }], DOWN_MS + 60_000);

    // Kill: the upstream holds back so a backlog is on disk, the relay dies mid-stream without a flush.
    phaseStart = Date.now();
    await until(`the forwarder two segments behind at most`, () => accepted() >= segmentEnd(segment - 1), 120_000);
    regional.setPlan(() => ({ kind: 'status', status: 503 }));
    segment++;
    for (const app of apps) app.allow(segment / SEGMENTS);
    await until('half the kill segment acknowledged', () => acked() >= (segmentEnd(segment - 1) + segmentEnd(segment)) / 2);
    const ackedAtKill = acked();
    relayLogs.push(relay.stderr());
    await relay.kill();
    const onDiskAtKill = queuedLines(storage);
    // The backlog on disk (segments decoded) carries the local key only.
    const diskText = listFiles(storage).map((file) => storageFileText(file).toLowerCase());
    assert.ok(
      diskText.some((text) => text.includes(LOCAL_KEY)),
      'the queue files hold the local key',
    );
    assert.ok(
      !diskText.some((text) => text.includes(REAL_KEY) || text.includes(REAL_KEY.replace(/-/g, ''))),
      'the real key is in the disk queue',
    );
    const killedAt = Date.now();
    relay = await startRelayProcess({ storage, localKey: LOCAL_KEY, connectionString, port, args: RELAY_ARGS });
    const restartMs = Date.now() - killedAt;
    regional.setPlan(undefined);
    await until('the kill segment acknowledged', () => acked() >= segmentEnd(segment));
    const replayed = Number(/holds (\d+) items from an earlier run/.exec(relay.stderr())?.[1] ?? 0);
    phaseTimes['SIGKILL + restart'] = Date.now() - phaseStart;

    await letSegmentThrough(); // the rest, no fault
    await until('every app done', () => apps.every((app) => app.final !== undefined));
    await settled(() => uniqueIds(fakes()).size >= ITEMS, accepted);
    // The fake took these after the relay had given up on them: resent, so each arrives twice.
    const acceptedAfterTimeout = primary
      .requests()
      .slice(beforeTimeouts, beforeTimeouts + 2)
      .reduce((sum, request) => sum + request.accepted, 0);
    const exitCode = await relay.stop();
    relayLogs.push(relay.stderr());
    relay = undefined;

    // Every id, at least once; nothing the apps never sent.
    const counts = idCounts(fakes());
    const missing: number[] = [];
    for (let id = 0; id < ITEMS; id++) if (!counts.has(id)) missing.push(id);
    assert.deepStrictEqual(missing.slice(0, 20), [], `${missing.length} items lost`);
    assert.strictEqual(counts.size, ITEMS, 'no item the apps did not send');
    const received = accepted();
    const log = relayLogs.join('');
    assert.strictEqual(exitCode, 0, 'SIGTERM flushes and exits 0');
    assert.match(log, /dropped 0;/, 'the relay dropped nothing');
    assert.strictEqual(queuedLines(storage), 0, 'the queue is empty after the flush');
    assert.ok(onDiskAtKill > 0 && replayed > 0, `a backlog was on disk at the kill (${onDiskAtKill} lines) and replayed (${replayed})`);
    // Duplicates only where delivery was ambiguous: answers after the timeout, and files resent after the kill.
    const duplicates = received - ITEMS;
    assert.ok(
      duplicates <= acceptedAfterTimeout + replayed,
      `${duplicates} duplicates, more than the ${acceptedAfterTimeout} late-accepted + ${replayed} replayed items explain`,
    );
    // The queue holds the local key only, and the log is redacted.
    for (const form of [REAL_KEY, REAL_KEY.replace(/-/g, '')]) {
      assert.ok(!log.toLowerCase().includes(form), 'the real key is not in the relay log');
      for (const file of listFiles(storage))
        assert.ok(!storageFileText(file).toLowerCase().includes(form), `the real key is not in ${file}`);
    }

    const statuses = new Map<string, number>();
    for (const fake of fakes())
      for (const request of fake.requests()) statuses.set(String(request.status), (statuses.get(String(request.status)) ?? 0) + 1);
    const report = {
      test: 'upstream-faults',
      items: ITEMS,
      apps: CLIENTS,
      downMs: DOWN_MS,
      received,
      duplicates,
      duplicatesFromTimeouts: acceptedAfterTimeout,
      appRetries: apps.reduce((sum, app) => sum + (app.final?.retries ?? 0), 0),
      forwardRetries: (log.match(/Forwarding \d+ items failed/g) ?? []).length,
      retriedItems: [...log.matchAll(/Forwarding (\d+) items failed/g)].reduce((sum, match) => sum + Number(match[1]), 0),
      requestsByStatus: Object.fromEntries(statuses),
      ackedAtKill,
      queuedOnDiskAtKill: onDiskAtKill,
      replayedAfterRestart: replayed,
      restartMs,
      phaseMs: phaseTimes,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    console.log(`      ${JSON.stringify(report)}`);
    fs.mkdirSync(path.join(REPO_ROOT, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(REPO_ROOT, 'test-results', `upstream-faults-${ITEMS}.json`), `${JSON.stringify(report, null, 2)}\n`);
  });
});

/** Waits until `done`, or until the fakes took nothing new for 20 s (then the id check below says what is missing). */
async function settled(done: () => boolean, progress: () => number): Promise<void> {
  let last = progress();
  let lastChange = Date.now();
  while (!done() && Date.now() - lastChange < 20_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (progress() !== last) {
      last = progress();
      lastChange = Date.now();
    }
  }
}

function idCounts(fakes: readonly FakeIngestion[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const fake of fakes) {
    for (const item of fake.received()) {
      const id = Number((item.data?.baseData?.properties as Record<string, string> | undefined)?.[ITEM_ID_PROPERTY]);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  return counts;
}

function uniqueIds(fakes: readonly FakeIngestion[]): Set<number> {
  return new Set(idCounts(fakes).keys());
}
