/**
 * The relay's port and local key across restarts, with the real RelayController in the extension
 * host (real configuration, real loopback HTTP). Each controller here is what one window's
 * activation builds; two controllers over the same workspace state are a window before and after
 * Reload Window. The state is an in-memory stand-in for VS Code's workspaceState (a Memento whose
 * values go through JSON, as the real one's do), so these tests never touch the extension's own
 * relay or its stored identity. Reload Window itself is tested in test/browser/reloadWindow.test.ts.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { RELAY_IDENTITY_STATE_KEY } from '../../../src/core/relay';
import type { IdentityState } from '../../../src/core/relay';
import type { StoredConnectionString } from '../../../src/extension/connectionStringStore';
import type { Logger, LogLevel } from '../../../src/extension/log';
import { OldKeyUse, RelayController } from '../../../src/extension/relayController';
import type { RelayEnvironment } from '../../../src/extension/environment';
import { connectionStringPart, eventually, messageEnvelope, postJson } from '../extensionApi';

class JsonState implements IdentityState {
  private readonly values = new Map<string, string>();
  get(key: string): unknown {
    const text = this.values.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

/** A workspace state whose writes finish only when released: the port plan of a first run is still pending. */
class HeldState extends JsonState {
  private held: (() => void)[] | undefined = [];
  override async update(key: string, value: unknown): Promise<void> {
    if (this.held) await new Promise<void>((resolve) => this.held!.push(resolve));
    await super.update(key, value);
  }
  release(): void {
    for (const resolve of this.held?.splice(0) ?? []) resolve();
    this.held = undefined;
  }
}

/** Whether something accepts connections on this loopback port now. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function recordingLogger(lines: string[]): Logger {
  const logger: Logger = {
    trace: (message) => lines.push(`trace ${message}`),
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${String(message)}`),
    sink: (level: LogLevel, message: string) => logger[level](message),
    show: () => undefined,
  };
  return logger;
}

describe('Relay identity across restarts (port and key kept per workspace)', function () {
  this.timeout(60_000);
  const controllers: RelayController[] = [];
  let storageDir: string;
  let state: JsonState;
  let lines: string[];
  let now: number;

  const controller = async (): Promise<RelayController> => {
    const created = await RelayController.create({
      storageDir,
      connectionStrings: { get: async () => undefined, onDidChange: new vscode.EventEmitter<StoredConnectionString | undefined>().event },
      log: recordingLogger(lines),
      state,
      now: () => now,
    });
    controllers.push(created);
    return created;
  };
  /** What deactivate does to one window's relay. */
  const closeWindow = async (relay: RelayController): Promise<void> => {
    await relay.stop();
    relay.dispose();
  };
  /** A controller as activation now makes it: returned before its port and key are planned. */
  const unplanned = (held: HeldState): RelayController => {
    const created = new RelayController({
      storageDir,
      connectionStrings: { get: async () => undefined, onDidChange: new vscode.EventEmitter<StoredConnectionString | undefined>().event },
      log: recordingLogger(lines),
      state: held,
      now: () => now,
    });
    controllers.push(created);
    return created;
  };
  const portOf = (environment: RelayEnvironment): number =>
    Number(new URL(connectionStringPart(environment.connectionString, 'IngestionEndpoint')!).port);
  const keyOf = (environment: RelayEnvironment): string => connectionStringPart(environment.connectionString, 'InstrumentationKey')!;
  const track = (url: string, key: string) => postJson(`${url}v2.1/track`, [messageEnvelope(key, 'relay identity test')]);

  beforeEach(() => {
    storageDir = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-identity-'));
    state = new JsonState();
    lines = [];
    now = Date.now();
  });

  afterEach(async () => {
    for (const relay of controllers.splice(0)) await closeWindow(relay);
    fs.rmSync(storageDir, { recursive: true, force: true });
  });

  it('after a relay restart with the same workspace state: the same port and key, before and after it listens', async () => {
    const before = await controller();
    const first = await before.ensureStarted();
    const firstKey = keyOf(first.environment!);
    assert.strictEqual((await track(first.server.url, firstKey)).status, 200);
    await closeWindow(before);

    const after = await controller();
    assert.deepStrictEqual(
      after.environment!,
      first.environment!,
      'terminals opened before the relay starts already get the kept address and key',
    );
    const second = await after.ensureStarted();
    assert.strictEqual(second.server.url, first.server.url, 'same port');
    assert.strictEqual(second.server.localConnectionString, first.server.localConnectionString, 'same key');
    const reply = await track(second.server.url, firstKey);
    assert.strictEqual(reply.status, 200, `a terminal from before the restart still delivers: ${reply.body}`);
    await eventually('the restarted relay counts it', () => after.status.itemsReceived === 1);
  });

  it('the kept port taken by another program: a new port after a short wait, said in the log, announced, and kept', async () => {
    const first = await controller();
    const keptUrl = (await first.ensureStarted()).server.url;
    const keptPort = Number(new URL(keptUrl).port);
    await closeWindow(first);

    let movedPort: number | undefined;
    const holder = net.createServer();
    await new Promise<void>((resolve, reject) => holder.once('error', reject).listen(keptPort, '127.0.0.1', resolve));
    try {
      const moved = await controller();
      const announced: RelayEnvironment[] = [];
      moved.onDidChangeEnvironment((environment) => announced.push(environment));
      const running = await moved.ensureStarted();
      assert.notStrictEqual(running.server.port, keptPort);
      movedPort = running.server.port;
      assert.ok(
        lines.some(
          (line) =>
            line.startsWith('warn ') &&
            line.includes(`Port ${keptPort}, kept for this workspace, is in use by another program`) &&
            line.includes(`listens on ${running.server.port}`),
        ),
        lines.join('\n'),
      );
      assert.deepStrictEqual(
        announced.map((environment) => environment.connectionString),
        [running.server.localConnectionString],
        'terminals get the new address',
      );
      assert.strictEqual((state.get(RELAY_IDENTITY_STATE_KEY) as { port: number }).port, running.server.port, 'the new port is kept');
      await closeWindow(moved);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    const next = await controller();
    assert.strictEqual((await next.ensureStarted()).server.port, movedPort, 'the next window uses the new kept port');
  });

  it('a renewed key: the old one is accepted within the grace period, refused with a notice after (once per interval)', async () => {
    const relay = await controller();
    const uses: OldKeyUse[] = [];
    relay.onDidUseOldKey((use) => uses.push(use));
    const oldKey = keyOf((await relay.ensureStarted()).environment);
    await relay.renewLocalKey();
    const running = await relay.ensureStarted();
    const newKey = keyOf(running.environment);
    assert.notStrictEqual(newKey, oldKey);
    assert.strictEqual((await relay.ensureStarted()).server.url, running.server.url);

    const withinGrace = await track(running.server.url, oldKey);
    assert.strictEqual(withinGrace.status, 200, withinGrace.body);
    assert.deepStrictEqual(
      uses.map((use) => use.outcome),
      ['previous'],
    );
    assert.ok(
      lines.some((line) => line.startsWith('info ') && line.includes("An app used the relay's previous local key")),
      lines.join('\n'),
    );

    now += 24 * 60 * 60 * 1000;
    const afterGrace = await track(running.server.url, oldKey);
    assert.strictEqual(afterGrace.status, 403, afterGrace.body);
    assert.deepStrictEqual(
      uses.map((use) => use.outcome),
      ['previous', 'refused'],
    );
    assert.ok(
      lines.some(
        (line) =>
          line.startsWith('warn ') &&
          line.includes('An app used an old relay key and was refused') &&
          line.includes('restart its terminal'),
      ),
      lines.join('\n'),
    );
    assert.strictEqual((await track(running.server.url, oldKey)).status, 403);
    assert.strictEqual(uses.length, 2, 'rate-limited: an app retrying does not repeat the notice');
    assert.strictEqual((await track(running.server.url, newKey)).status, 200, 'the current key works throughout');
  });

  it('is usable before its port is planned: a start waits for the plan and for the history gate, and terminals learn the address first', async () => {
    const held = new HeldState();
    const relay = unplanned(held);
    assert.strictEqual(relay.environment, undefined, 'nothing planned yet: the workspace state has not answered');
    const order: string[] = [];
    relay.onDidChangeEnvironment(() => order.push('environment'));
    relay.onDidChangeStatus((status) => status.url !== undefined && !order.includes('listening') && order.push('listening'));
    let openHistory: () => void = () => undefined;
    relay.startAfter(new Promise<void>((resolve) => (openHistory = resolve)));
    const starting = relay.ensureStarted();
    assert.strictEqual(relay.status.state, 'starting', 'the status bar says so at once');

    held.release();
    await relay.ready;
    const planned = (relay as { environment?: RelayEnvironment }).environment;
    assert.ok(planned, 'planned once the workspace state answered');
    assert.deepStrictEqual(order, ['environment'], 'terminals are told before anything listens');
    const port = portOf(planned);
    // The history is still opening: the start must not bind. (The wait only gives a start that
    // ignored the gate time to show itself; a correct one passes whatever the machine's load.)
    const early = await Promise.race([starting.then(() => 'started'), new Promise((resolve) => setTimeout(resolve, 1500, 'waiting'))]);
    assert.strictEqual(early, 'waiting', 'the start waits for the history');
    assert.strictEqual(await listening(port), false, 'nothing listens on the planned port yet');

    order.push('history open');
    openHistory();
    const running = await starting;
    assert.strictEqual(running.server.port, port, 'it listens where terminals were told');
    assert.deepStrictEqual(order, ['environment', 'history open', 'listening']);
    assert.strictEqual(await listening(port), true);
  });

  it('deactivated before the plan or the history is done: the waiting start gives up before it binds, and nothing starts after', async () => {
    const held = new HeldState();
    const relay = unplanned(held);
    const started = relay.ensureStarted();
    const stopped = relay.shutDown();
    held.release();
    await stopped;
    await assert.rejects(started, /stopped before it started/);
    await relay.ready;
    const port = portOf(relay.environment!);
    assert.strictEqual(relay.running, undefined);
    assert.strictEqual(relay.status.state, 'stopped');
    assert.strictEqual(await listening(port), false, 'no half-started relay is left listening');
    await assert.rejects(relay.ensureStarted(), /stopped before it started/, 'a late trigger cannot bring it back');
    assert.ok(!lines.some((line) => line.startsWith('error ')), `a cancelled start is not an error: ${lines.join('\n')}`);
  });
});
