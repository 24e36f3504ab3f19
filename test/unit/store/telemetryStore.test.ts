import * as assert from 'assert';
import { mock } from 'node:test';
import type { Envelope } from '../../../src/core/envelope';
import { normaliseOperationId, normaliseParentId, StoreChange, TelemetryStore } from '../../../src/core/store';
import { RingBuffer } from '../../../src/core/store/ringBuffer';

let counter = 0;
function item(
  role: string | undefined,
  baseType: string,
  extra: { operationId?: string; parentId?: string; id?: string; name?: string } = {},
): Envelope {
  counter++;
  const tags: Record<string, string> = {};
  if (role !== undefined) tags['ai.cloud.role'] = role;
  if (extra.operationId) tags['ai.operation.id'] = extra.operationId;
  if (extra.parentId) tags['ai.operation.parentId'] = extra.parentId;
  const baseData: Record<string, unknown> =
    baseType === 'MetricData'
      ? { metrics: [{ name: extra.name ?? 'm', value: counter }] }
      : baseType === 'MessageData'
        ? { message: extra.name ?? `log ${counter}` }
        : { id: extra.id ?? `span${counter}`, name: extra.name ?? `op ${counter}`, duration: '00:00:00.001' };
  return {
    name: 'Microsoft.ApplicationInsights.X',
    time: new Date(Date.UTC(2026, 0, 1) + counter).toISOString(),
    tags,
    data: { baseType, baseData },
  };
}

describe('store: TelemetryStore', () => {
  it('gives monotonic seqs and keeps arrival order in snapshot()', () => {
    const store = new TelemetryStore();
    const added = store.add([item('a', 'RequestData'), item('b', 'MessageData'), item('a', 'MetricData'), { ...item('a', 'Unknown') }]);
    assert.deepStrictEqual(
      added.map((entry) => entry.seq),
      [1, 2, 3],
    );
    assert.deepStrictEqual(
      store.snapshot().map((entry) => [entry.seq, entry.table]),
      [
        [1, 'requests'],
        [2, 'traces'],
        [3, 'customMetrics'],
      ],
    );
    assert.strictEqual(store.size, 3);
    assert.strictEqual(store.ignored, 1);
    assert.deepStrictEqual(store.roleNames().sort(), ['a', 'b']);
  });

  it('evicts per role and per kind: a noisy role cannot push out another role, traces cannot push out logs', () => {
    const store = new TelemetryStore({ maxTraceItemsPerRole: 5, maxLogItemsPerRole: 3, maxMetricPointsPerRole: 4 });
    store.add([item('quiet', 'RequestData', { name: 'quiet request' }), item('quiet', 'MessageData', { name: 'quiet log' })]);
    store.add([item('noisy', 'MessageData', { name: 'noisy first log' })]);
    for (let index = 0; index < 100; index++) store.add([item('noisy', 'RemoteDependencyData', { name: `dep ${index}` })]);
    for (let index = 0; index < 10; index++) store.add([item('noisy', 'MetricData', { name: `metric ${index}` })]);
    const snapshot = store.snapshot();
    const names = (role: string, table: string): string[] =>
      snapshot.filter((entry) => entry.role === role && entry.table === table).map((entry) => entry.name ?? entry.message ?? '');
    assert.deepStrictEqual(names('quiet', 'requests'), ['quiet request']);
    assert.deepStrictEqual(names('quiet', 'traces'), ['quiet log']);
    assert.deepStrictEqual(names('noisy', 'traces'), ['noisy first log'], "the noisy role's own log survives its dependency flood");
    assert.deepStrictEqual(names('noisy', 'dependencies'), ['dep 95', 'dep 96', 'dep 97', 'dep 98', 'dep 99']);
    assert.deepStrictEqual(names('noisy', 'customMetrics'), ['metric 6', 'metric 7', 'metric 8', 'metric 9']);
    assert.strictEqual(store.size, 1 + 1 + 1 + 5 + 4);
  });

  it('caps the number of roles: extra roles share one overflow set of buffers', () => {
    const store = new TelemetryStore({ maxRoles: 2, maxTraceItemsPerRole: 3 });
    store.add([item('r1', 'RequestData'), item('r2', 'RequestData')]);
    for (let index = 0; index < 50; index++) store.add([item(`extra${index}`, 'RequestData')]);
    assert.strictEqual(store.size, 2 + 3);
    assert.deepStrictEqual(store.roleNames().sort(), ['r1', 'r2']);
    assert.deepStrictEqual(
      store.snapshot().map((entry) => entry.role),
      ['r1', 'r2', 'extra47', 'extra48', 'extra49'],
    );
  });

  it('keeps the operation index consistent with eviction', () => {
    const store = new TelemetryStore({ maxTraceItemsPerRole: 2, maxLogItemsPerRole: 10 });
    store.add([
      item('a', 'RequestData', { operationId: 'op1', id: 'root' }),
      item('a', 'RemoteDependencyData', { operationId: 'op1', parentId: 'root' }),
      item('a', 'MessageData', { operationId: 'op1', parentId: 'root' }),
    ]);
    assert.strictEqual(store.getOperation('op1').length, 3);
    assert.strictEqual(store.operationCount, 1);
    store.add([item('a', 'RequestData', { operationId: 'op2' })]); // evicts op1's request
    assert.deepStrictEqual(
      store.getOperation('op1').map((entry) => entry.table),
      ['dependencies', 'traces'],
    );
    store.add([item('a', 'RequestData', { operationId: 'op3' }), item('a', 'RequestData', { operationId: 'op4' })]); // evicts op1's dependency and op2
    assert.deepStrictEqual(
      store.getOperation('op1').map((entry) => entry.table),
      ['traces'],
      'the log is in another buffer and stays',
    );
    assert.deepStrictEqual(store.getOperation('op2'), []);
    assert.strictEqual(store.operationCount, 3, 'emptied operations leave the index');
    const snapshotSeqs = new Set(store.snapshot().map((entry) => entry.seq));
    for (const operation of ['op1', 'op2', 'op3', 'op4']) {
      for (const entry of store.getOperation(operation)) assert.ok(snapshotSeqs.has(entry.seq), 'the index only holds live items');
    }
    store.clear();
    assert.strictEqual(store.operationCount, 0);
    assert.deepStrictEqual(store.getOperation('op3'), []);
  });

  it('correlates OpenCensus logs (legacy |trace.span. parent ids) with their span', () => {
    const store = new TelemetryStore();
    const trace = '9cb94be86bcb13fa48360d56cf17decb';
    store.add([
      item('app', 'RemoteDependencyData', { operationId: trace, id: '34363af334c51a2b' }),
      item('app', 'MessageData', { operationId: trace, parentId: `|${trace}.34363af334c51a2b.`, name: 'inside the span' }),
      item('app', 'MessageData', { parentId: `|${trace}.34363af334c51a2b.`, name: 'no operation id tag' }),
      item('app', 'MessageData', {
        operationId: '00000000000000000000000000000000',
        parentId: '|00000000000000000000000000000000.0000000000000000.',
        name: 'outside any span',
      }),
    ]);
    const operation = store.getOperation(trace);
    assert.deepStrictEqual(
      operation.map((entry) => entry.table),
      ['dependencies', 'traces', 'traces'],
    );
    assert.deepStrictEqual(
      operation.slice(1).map((entry) => entry.message),
      ['inside the span', 'no operation id tag'],
    );
    assert.strictEqual(operation[0].id, '34363af334c51a2b');
    assert.ok(operation.slice(1).every((entry) => entry.parentId === '34363af334c51a2b' && entry.operationId === trace));
    const outside = store.snapshot().find((entry) => entry.message === 'outside any span')!;
    assert.strictEqual(outside.operationId, undefined);
    assert.strictEqual(outside.parentId, undefined);
  });

  it('normalises operation and parent ids in every form', () => {
    assert.strictEqual(normaliseOperationId('abc'), 'abc');
    assert.strictEqual(normaliseOperationId('000000'), undefined);
    assert.strictEqual(normaliseOperationId('|abc.1.'), 'abc');
    assert.strictEqual(normaliseOperationId('|0000.1.'), undefined);
    assert.strictEqual(normaliseOperationId(''), undefined);
    assert.deepStrictEqual(normaliseParentId('|t.s.'), { parentId: 's', operationId: 't' });
    assert.deepStrictEqual(normaliseParentId('|t.a.b.'), { parentId: 'b', operationId: 't' });
    assert.deepStrictEqual(normaliseParentId('|t.a.b_1.'), { parentId: 'b', operationId: 't' });
    assert.deepStrictEqual(normaliseParentId('|t.'), { parentId: 't', operationId: 't' });
    assert.deepStrictEqual(normaliseParentId('|t.0000.'), { operationId: 't' });
    assert.deepStrictEqual(normaliseParentId('1e05925810643122'), { parentId: '1e05925810643122' });
    assert.deepStrictEqual(normaliseParentId('0000000000000000'), {});
    assert.deepStrictEqual(normaliseParentId('|'), {});
    assert.deepStrictEqual(normaliseParentId(undefined), {});
  });

  it('stays fast and bounded with 100k items', () => {
    const store = new TelemetryStore();
    const envelopes = Array.from({ length: 100_000 }, (_, index) =>
      item(`role${index % 4}`, index % 3 === 0 ? 'MessageData' : 'RequestData', { operationId: `op${index % 5000}` }),
    );
    const started = process.hrtime.bigint();
    for (let offset = 0; offset < envelopes.length; offset += 100) store.add(envelopes.slice(offset, offset + 100));
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    assert.ok(elapsedMs < 3000, `100k inserts took ${elapsedMs} ms`);
    // Per role: 25k items, a third logs (≈8.3k, all kept) and two thirds requests (≈16.7k, capped at 10k).
    let expected = 0;
    for (let role = 0; role < 4; role++) {
      const indexes = Array.from({ length: 100_000 }, (_, index) => index).filter((index) => index % 4 === role);
      const logs = indexes.filter((index) => index % 3 === 0).length;
      expected += Math.min(logs, 10_000) + Math.min(indexes.length - logs, 10_000);
    }
    assert.strictEqual(store.size, expected);
    assert.strictEqual(store.snapshot().length, expected);
    const flood = Array.from({ length: 50_000 }, () => item('role0', 'RequestData', { operationId: 'flood' }));
    store.add(flood);
    const perRole = store.snapshot().filter((entry) => entry.role === 'role0' && entry.table === 'requests').length;
    assert.strictEqual(perRole, 10_000);
    assert.strictEqual(store.getOperation('flood').length, 10_000);
    assert.ok(store.size <= 4 * 20_000);
  });
});

describe('store: change subscription', () => {
  // The feed's timing is what is under test: a virtual clock (setTimeout and Date) makes it exact,
  // where real sleeps on a loaded 2-core machine stretched a 10 ms gap past the 80 ms interval.
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('batches additions and delivers them no more often than the interval', () => {
    const store = new TelemetryStore();
    const deliveries: { at: number; change: StoreChange }[] = [];
    const start = Date.now();
    const subscription = store.subscribe((change) => deliveries.push({ at: Date.now() - start, change }), { intervalMs: 80 });
    store.add([item('a', 'RequestData')]);
    store.add([item('a', 'RequestData'), item('a', 'MessageData')]);
    mock.timers.tick(20);
    assert.strictEqual(deliveries.length, 1, 'one batch for three synchronous additions');
    assert.deepStrictEqual(
      deliveries[0].change.added.map((entry) => entry.seq),
      [1, 2, 3],
    );
    assert.deepStrictEqual(deliveries[0].change.evicted, []);
    store.add([item('a', 'RequestData')]);
    mock.timers.tick(10);
    store.add([item('a', 'RequestData')]);
    mock.timers.tick(300);
    assert.strictEqual(deliveries.length, 2);
    assert.deepStrictEqual(
      deliveries[1].change.added.map((entry) => entry.seq),
      [4, 5],
    );
    assert.ok(deliveries[1].at - deliveries[0].at >= 75, `second delivery ${deliveries[1].at - deliveries[0].at} ms after the first`);
    subscription.dispose();
    store.add([item('a', 'RequestData')]);
    mock.timers.tick(120);
    assert.strictEqual(deliveries.length, 2, 'nothing after dispose');
  });

  it('reports evictions of delivered items, and hides items added and evicted in the same batch', () => {
    const store = new TelemetryStore({ maxTraceItemsPerRole: 2 });
    const changes: StoreChange[] = [];
    store.subscribe((change) => changes.push(change), { intervalMs: 10 });
    store.add([item('a', 'RequestData'), item('a', 'RequestData')]); // seq 1, 2
    mock.timers.tick(30);
    store.add([item('a', 'RequestData'), item('a', 'RequestData'), item('a', 'RequestData')]); // seq 3,4,5: evicts 1,2, then 3
    mock.timers.tick(30);
    assert.strictEqual(changes.length, 2);
    assert.deepStrictEqual(
      changes[1].added.map((entry) => entry.seq),
      [4, 5],
    );
    assert.deepStrictEqual([...changes[1].evicted].sort(), [1, 2]);
  });

  it('signals clear() and what came after it', () => {
    const store = new TelemetryStore();
    const changes: StoreChange[] = [];
    store.subscribe((change) => changes.push(change), { intervalMs: 10 });
    store.add([item('a', 'RequestData')]);
    mock.timers.tick(30);
    store.add([item('a', 'RequestData')]);
    store.clear();
    store.add([item('a', 'MessageData')]);
    mock.timers.tick(30);
    assert.strictEqual(changes.length, 2);
    assert.strictEqual(changes[1].cleared, true);
    assert.deepStrictEqual(
      changes[1].added.map((entry) => entry.table),
      ['traces'],
    );
    assert.strictEqual(store.size, 1);
  });

  it('keeps delivering to others when one subscriber throws', () => {
    const store = new TelemetryStore();
    let heard = 0;
    store.subscribe(
      () => {
        throw new Error('broken panel');
      },
      { intervalMs: 0 },
    );
    store.subscribe((change) => (heard += change.added.length), { intervalMs: 0 });
    store.add([item('a', 'RequestData'), item('a', 'RequestData')]);
    mock.timers.tick(20);
    assert.strictEqual(heard, 2);
  });
});

describe('store: RingBuffer', () => {
  it('evicts the oldest and iterates oldest first', () => {
    const ring = new RingBuffer<number>(3);
    assert.deepStrictEqual(
      [1, 2, 3, 4, 5].map((value) => ring.push(value)),
      [undefined, undefined, undefined, 1, 2],
    );
    assert.deepStrictEqual(ring.toArray(), [3, 4, 5]);
    assert.strictEqual(ring.size, 3);
    ring.clear();
    assert.deepStrictEqual(ring.toArray(), []);
    ring.push(9);
    assert.deepStrictEqual(ring.toArray(), [9]);
    assert.throws(() => new RingBuffer(0), /positive integer/);
  });
});
