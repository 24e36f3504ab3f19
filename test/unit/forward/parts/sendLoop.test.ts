/**
 * The forwarder's send loop alone, with scripted steps: one request in flight while the next is
 * prepared, a prepared request released on failure or a key change, sleep until due, wake early.
 */
import * as assert from 'assert';
import { PreparedRequest, SendLoop, SendSteps } from '../../../../src/core/forward/sendLoop';

interface Request extends PreparedRequest {
  readonly items: readonly number[];
}

/** A queue of numbered items; `outcome` decides each send (true: sent, false: failed). */
class Script implements SendSteps<Request> {
  owed: number[] = [];
  inFlight = new Set<number>();
  sent: number[][] = [];
  released: number[][] = [];
  log: string[] = [];
  key = 'k1';
  failingNow = false;
  dueAt = 0;
  now = 0;
  paused = false;
  stoppedCount = 0;
  outcome: (items: readonly number[]) => boolean = () => true;

  canSend(): boolean {
    return !this.paused && this.owed.length + this.inFlight.size > 0;
  }
  waitMs(): number {
    return this.dueAt - this.now;
  }
  attemptStarting(): void {}
  currentKey(): string {
    return this.key;
  }
  async prepare(): Promise<Request> {
    const items = this.owed.filter((item) => !this.inFlight.has(item)).slice(0, 2);
    for (const item of items) this.inFlight.add(item);
    this.log.push(`prepare ${items.join(',')}`);
    return { items, key: this.key };
  }
  async send(request: Request): Promise<void> {
    this.log.push(`send ${request.items.join(',')}`);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.outcome(request.items)) {
      this.sent.push([...request.items]);
      this.owed = this.owed.filter((item) => !request.items.includes(item));
      this.failingNow = false;
    } else {
      this.failingNow = true;
      this.dueAt = this.now + 60_000;
    }
  }
  release(request: Request): void {
    for (const item of request.items) this.inFlight.delete(item);
    this.released.push([...request.items]);
  }
  failing(): boolean {
    return this.failingNow;
  }
  nothingToSend(): void {
    this.log.push('nothing');
    this.paused = true;
  }
  stopped(): void {
    this.stoppedCount++;
  }
}

async function settle(loop: SendLoop<Request>): Promise<void> {
  while (loop.current) await loop.current;
}

describe('forward parts: send loop (pump)', () => {
  it('sends in order, preparing the next request while one is in flight', async () => {
    const script = new Script();
    script.owed = [1, 2, 3, 4, 5];
    const loop = new SendLoop(script);
    loop.ensure();
    await settle(loop);
    assert.deepStrictEqual(script.sent, [[1, 2], [3, 4], [5]]);
    assert.deepStrictEqual(
      script.log.slice(0, 3),
      ['prepare 1,2', 'send 1,2', 'prepare 3,4'],
      'the next is prepared before the first answer',
    );
    assert.strictEqual(script.inFlight.size, 0, 'every request released');
    assert.strictEqual(script.stoppedCount, 1);
  });

  it('after a failure the prefetched request is released (owed again), and the loop sleeps until due', async () => {
    const script = new Script();
    script.owed = [1, 2, 3, 4];
    script.outcome = (items) => !items.includes(1);
    const loop = new SendLoop(script);
    loop.ensure();
    while (!script.failingNow) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(loop.current, 'sleeping, not ended');
    assert.deepStrictEqual(
      script.released,
      [
        [1, 2],
        [3, 4],
      ],
      'the failed request and the prefetched one are owed again',
    );
    assert.deepStrictEqual(script.sent, []);
    // The endpoint recovers; a wake() (a flush) with the wait over sends at once.
    script.outcome = () => true;
    script.now = script.dueAt;
    loop.wake();
    await settle(loop);
    assert.deepStrictEqual(script.sent, [
      [1, 2],
      [3, 4],
    ]);
  });

  it('a prepared request for an old key is released, not sent', async () => {
    const script = new Script();
    script.owed = [1, 2, 3];
    const loop = new SendLoop(script);
    const send = script.send.bind(script);
    script.send = async (request) => {
      await send(request);
      script.key = 'k2'; // the connection string changed while the first request was in flight
    };
    loop.ensure();
    await settle(loop);
    assert.deepStrictEqual(script.released[1], [3], 'the request prepared for k1 went back');
    assert.deepStrictEqual(script.sent, [[1, 2], [3]], 'and was prepared again for k2');
  });

  it('an empty request ends the turn through nothingToSend; ensure() does nothing while it cannot send', async () => {
    const script = new Script();
    script.owed = [1];
    script.inFlight.add(1); // counted, but nothing can be taken
    const loop = new SendLoop(script);
    loop.ensure();
    await settle(loop);
    assert.ok(script.log.includes('nothing'));
    assert.deepStrictEqual(script.sent, []);
    loop.ensure();
    assert.strictEqual(loop.current, undefined, 'paused: no loop');
  });
});
