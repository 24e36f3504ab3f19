/** The forwarder's stats feed alone: observers at once, listeners once per turn, nothing after close. */
import * as assert from 'assert';
import type { ForwardStats } from '../../../../src/core/forward/forwardStats';
import { ForwardStatsFeed, StatsFeed } from '../../../../src/core/forward/statsFeed';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('forward parts: stats feed', () => {
  it('runs observers on every change and batches listeners to one snapshot per turn', async () => {
    let snapshots = 0;
    const feed = new StatsFeed(() => ({ requests: ++snapshots }));
    let observed = 0;
    const heard: number[] = [];
    const watch = feed.observe(() => observed++);
    feed.onStats((stats) => heard.push(stats.requests));
    feed.changed();
    feed.changed();
    feed.changed();
    assert.strictEqual(observed, 3);
    assert.deepStrictEqual(heard, [], 'listeners hear on the next turn');
    await nextTurn();
    assert.deepStrictEqual(heard, [1], 'one snapshot for three changes');
    watch.dispose();
    feed.changed();
    assert.strictEqual(observed, 3);
    await nextTurn();
    assert.deepStrictEqual(heard, [1, 2]);
  });

  it('counts, and on close tells observers once more and lets listeners go', async () => {
    const feed: ForwardStatsFeed = new ForwardStatsFeed((): ForwardStats => ({ ...feed.counters }) as unknown as ForwardStats);
    feed.counters.requests += 2;
    let observed = 0;
    feed.observe(() => observed++);
    const heard: ForwardStats[] = [];
    const subscription = feed.onStats((stats) => heard.push(stats));
    feed.close();
    assert.strictEqual(observed, 1);
    feed.changed();
    await nextTurn();
    assert.deepStrictEqual(heard, [], 'no listener after close');
    subscription.dispose();
  });
});
