/**
 * PacedAction: a burst of requests becomes one run, the first without delay, later ones at most
 * once per interval; runNow runs at once and takes the pending run's place; dispose runs nothing more.
 */
import * as assert from 'assert';
import { mock } from 'node:test';
import { PacedAction } from '../../../src/core/pacedAction';

describe('PacedAction', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 }));
  afterEach(() => mock.timers.reset());

  it('runs the first request on the next timer turn, and a burst after it once, an interval after the last run', () => {
    const runs: number[] = [];
    const paced = new PacedAction(250, () => runs.push(Date.now()));
    paced.request();
    assert.deepStrictEqual(runs, [], 'not inside request()');
    mock.timers.tick(0);
    assert.deepStrictEqual(runs, [1_000_000]);
    for (let index = 0; index < 5; index++) {
      mock.timers.tick(20);
      paced.request();
    }
    mock.timers.tick(149);
    assert.strictEqual(runs.length, 1, 'still inside the interval');
    mock.timers.tick(1);
    assert.deepStrictEqual(runs, [1_000_000, 1_000_250], 'the burst ran once');
    mock.timers.tick(1000);
    assert.strictEqual(runs.length, 2, 'nothing requested since');
  });

  it('runNow runs at once and cancels the pending run; dispose drops what is pending', () => {
    let runs = 0;
    const paced = new PacedAction(250, () => runs++);
    paced.runNow();
    paced.request();
    paced.runNow();
    assert.strictEqual(runs, 2);
    mock.timers.tick(1000);
    assert.strictEqual(runs, 2, 'the request before runNow was served by it');
    paced.request();
    paced.dispose();
    mock.timers.tick(1000);
    paced.runNow();
    paced.request();
    mock.timers.tick(1000);
    assert.strictEqual(runs, 2);
  });
});
