/** The browser tests' wait helper: retries a check until it passes, or throws the check's last error. */
import * as assert from 'assert';
import { eventually } from '../../harness/eventually';

describe('eventually (test harness)', () => {
  it('returns the value of the first passing try', async () => {
    let tries = 0;
    const value = await eventually(
      () => {
        tries++;
        assert.ok(tries >= 3, `try ${tries}`);
        return `passed at try ${tries}`;
      },
      { intervalMs: 1 },
    );
    assert.strictEqual(value, 'passed at try 3');
  });

  it('throws the last error once the deadline has passed, so the failure says what was seen', async () => {
    let tries = 0;
    await assert.rejects(
      eventually(
        () => {
          tries++;
          assert.strictEqual(`seen ${tries}`, 'never');
        },
        { timeoutMs: 30, intervalMs: 1 },
      ),
      (error: Error) => error.message.includes(`seen ${tries}`) && tries > 1,
    );
  });
});
