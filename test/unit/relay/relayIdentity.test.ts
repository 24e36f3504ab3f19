/**
 * The relay's per-workspace identity (port + local key) and the grace period for retired keys:
 * what survives a reload (a second store over the same state), what stored garbage turns into, and
 * a real relay on loopback accepting a retired key within its grace and refusing it after.
 */
import * as assert from 'assert';
import * as net from 'net';
import {
  IdentityState,
  KEY_GRACE_MS,
  KeyUse,
  LocalKeyRing,
  parseIdentity,
  RELAY_IDENTITY_STATE_KEY,
  RelayIdentity,
  RelayIdentityStore,
  renewKey,
  RelayServer,
} from '../../../src/core/relay';
import { MAX_RETIRED_KEYS } from '../../../src/core/relay/relayIdentity';
import { TelemetryStore } from '../../../src/core/store';
import { CAPTURE_KEY, envelope, RecordingSink, send, startRelay } from './helpers';

const OLD_KEY = '11111111-2222-4333-8444-555555555555';
const OLDER_KEY = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const HOUR = 60 * 60 * 1000;

/** Workspace state as VS Code's Memento behaves: values go through JSON. */
class JsonState implements IdentityState {
  readonly values = new Map<string, string>();
  get(key: string): unknown {
    const text = this.values.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }
  async update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
}

let keyCounter = 0;
const nextKey = (): string => `00000000-0000-4000-8000-${String(++keyCounter).padStart(12, '0')}`;

describe('Relay identity: kept per workspace', () => {
  it('a second store over the same state (a reload) gets the same key and port', async () => {
    const state = new JsonState();
    const first = new RelayIdentityStore(state, nextKey);
    const created = await first.load();
    assert.match(created.key, /^[0-9a-f-]{36}$/);
    assert.strictEqual(created.port, undefined, 'no port until one was chosen');
    await first.save({ ...created, port: 51234 });

    const afterReload = await new RelayIdentityStore(state, nextKey).load();
    assert.deepStrictEqual(afterReload, { key: created.key, port: 51234, retired: [] });
  });

  it('a new identity is saved at once (a reload before the relay ever started keeps the key)', async () => {
    const state = new JsonState();
    const key = (await new RelayIdentityStore(state, nextKey).load()).key;
    assert.strictEqual((state.get(RELAY_IDENTITY_STATE_KEY) as { key: string }).key, key);
  });

  it('garbage in the state is replaced by a fresh identity, never thrown', async () => {
    for (const stored of [null, 'text', 42, [], { key: 'not-a-guid', port: 5000 }, { port: 5000 }, { key: 7 }]) {
      const state = new JsonState();
      await state.update(RELAY_IDENTITY_STATE_KEY, stored);
      const loaded = await new RelayIdentityStore(state, nextKey).load();
      assert.match(loaded.key, /^00000000-0000-4000-8000-\d{12}$/, JSON.stringify(stored));
      assert.strictEqual(loaded.port, undefined, JSON.stringify(stored));
    }
  });

  it('parseIdentity: lower-cases keys, drops a bad port and bad, expired, future or duplicate retired keys, and bounds their count', () => {
    const now = 1_000_000_000_000;
    const retired = [
      { key: OLD_KEY.toUpperCase(), retiredAt: now - HOUR },
      { key: 'nope', retiredAt: now - HOUR },
      { key: OLDER_KEY, retiredAt: now - KEY_GRACE_MS - 1 },
      { key: nextKey(), retiredAt: now + HOUR },
      { key: CAPTURE_KEY, retiredAt: now - HOUR },
      null,
    ];
    const parsed = parseIdentity({ key: CAPTURE_KEY.toUpperCase(), port: 70000, retired }, now);
    assert.deepStrictEqual(parsed, { key: CAPTURE_KEY, port: undefined, retired: [{ key: OLD_KEY, retiredAt: now - HOUR }] });
    const many = Array.from({ length: 1000 }, () => ({ key: nextKey(), retiredAt: now - HOUR }));
    assert.strictEqual(parseIdentity({ key: CAPTURE_KEY, port: 5000, retired: many }, now)?.retired.length, MAX_RETIRED_KEYS);
  });

  it('renewKey: the old key becomes the newest retired one; at most MAX_RETIRED_KEYS are kept', () => {
    let identity: RelayIdentity = { key: CAPTURE_KEY, port: 5000, retired: [] };
    identity = renewKey(identity, OLD_KEY, 100);
    assert.deepStrictEqual(identity, { key: OLD_KEY, port: 5000, retired: [{ key: CAPTURE_KEY, retiredAt: 100 }] });
    for (let i = 0; i < 10; i++) identity = renewKey(identity, nextKey(), 200 + i);
    assert.strictEqual(identity.retired.length, MAX_RETIRED_KEYS);
    assert.ok(identity.retired[0].retiredAt > identity.retired[1].retiredAt, 'newest first');
    assert.throws(() => renewKey(identity, 'not a guid', 300), /GUID/);
  });

  it('LocalKeyRing: current in any case; a retired key only within its grace period', () => {
    let now = 0;
    const ring = new LocalKeyRing(CAPTURE_KEY, [{ key: OLD_KEY, retiredAt: 0 }], { now: () => now });
    assert.strictEqual(ring.match(` ${CAPTURE_KEY.toUpperCase()} `), 'current');
    assert.strictEqual(ring.match(OLD_KEY), 'previous');
    assert.strictEqual(ring.match(OLDER_KEY), 'unknown');
    now = KEY_GRACE_MS - 1;
    assert.strictEqual(ring.match(OLD_KEY), 'previous');
    now = KEY_GRACE_MS;
    assert.strictEqual(ring.match(OLD_KEY), 'unknown', 'the grace period ended');
  });
});

describe('Relay server: retired keys within their grace period', () => {
  let now = 0;
  let uses: KeyUse[] = [];
  let t: Awaited<ReturnType<typeof startRelay>>;
  beforeEach(async () => {
    now = 10 * HOUR;
    uses = [];
    t = await startRelay({ retiredKeys: [{ key: OLD_KEY, retiredAt: now - HOUR }], now: () => now, onKeyUse: (use) => uses.push(use) });
  });
  afterEach(async () => {
    await t.relay.close();
  });

  const track = (iKey: string) => send(t.relay.port, { body: JSON.stringify([envelope({ iKey }), envelope()]) });

  it('track: a batch with the retired key is accepted under the current key and reported as "previous"', async () => {
    const reply = await track(OLD_KEY.toUpperCase());
    assert.strictEqual(reply.status, 200, reply.text);
    assert.deepStrictEqual(
      t.sink.items.map((item) => item.iKey),
      [CAPTURE_KEY, CAPTURE_KEY],
      'nothing downstream sees the old key',
    );
    assert.deepStrictEqual(uses, [{ outcome: 'previous', path: 'POST /v2.1/track' }]);
    const current = await track(CAPTURE_KEY);
    assert.strictEqual(current.status, 200);
    assert.strictEqual(uses.length, 1, 'the current key is not reported');
  });

  it('track: after the grace period the same key is refused (403) and reported as "refused"', async () => {
    now += KEY_GRACE_MS;
    const reply = await track(OLD_KEY);
    assert.strictEqual(reply.status, 403, reply.text);
    assert.strictEqual(t.sink.items.length, 0);
    assert.deepStrictEqual(uses, [{ outcome: 'refused', path: 'POST /v2.1/track' }]);
    assert.ok(!reply.text.includes(OLD_KEY), 'the key is not echoed');
  });

  it('OTLP: the retired key in x-azmon-key is accepted within grace, refused after', async () => {
    const logs = {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1764000000000000000', body: { stringValue: 'hi' } }] }] }],
    };
    const post = () =>
      send(t.relay.port, {
        path: '/v1/logs',
        headers: { 'Content-Type': 'application/json', 'x-azmon-key': OLD_KEY },
        body: JSON.stringify(logs),
      });
    assert.strictEqual((await post()).status, 200);
    assert.strictEqual(t.sink.items[0]?.iKey, CAPTURE_KEY);
    now += KEY_GRACE_MS;
    assert.strictEqual((await post()).status, 403);
    assert.deepStrictEqual(
      uses.map((use) => use.outcome),
      ['previous', 'refused'],
    );
  });

  it('Live Metrics: the retired ikey is answered within grace, refused after', async () => {
    const ping = () =>
      send(t.relay.port, {
        path: `/QuickPulseService.svc/ping?ikey=${OLD_KEY}`,
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
    assert.strictEqual((await ping()).status, 200);
    now += KEY_GRACE_MS;
    assert.strictEqual((await ping()).status, 403);
    assert.deepStrictEqual(
      uses.map((use) => use.outcome),
      ['refused'],
    );
  });
});

describe('Relay server: a taken port', () => {
  it('fails with code EADDRINUSE, so the extension can fall back to another port', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      await assert.rejects(
        RelayServer.start({ port, httpsPort: false, sink: new RecordingSink(), store: new TelemetryStore() }),
        (error: NodeJS.ErrnoException) => {
          assert.strictEqual(error.code, 'EADDRINUSE');
          assert.match(error.message, new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
          return true;
        },
      );
    } finally {
      holder.close();
    }
  });
});
