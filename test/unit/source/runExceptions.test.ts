/** The current run's exceptions grouped by the innermost frame of the app's own code (issue 18). */
import * as assert from 'assert';
import { RunExceptions } from '../../../src/core/source/runExceptions';
import type { TelemetryItem } from '../../../src/core/store/telemetryItem';

let seq = 0;
function exception(stack: string, typeName = 'ValueError', message = 'no price', operationId = 'op-1'): TelemetryItem {
  seq++;
  return {
    seq,
    table: 'exceptions',
    time: 1000 + seq,
    operationId,
    exceptions: [{ typeName, message, stack }],
  } as unknown as TelemetryItem;
}
const stack = (file: string, line: number): string =>
  `Traceback (most recent call last):\n  File "${file}", line ${line}, in f\n  File "/venv/lib/python3.12/site-packages/lib.py", line 9, in g\nValueError: no price`;

describe('source: exceptions of the current run', () => {
  it('groups by place, type and first message line; counts; remembers the newest transaction', () => {
    const run = new RunExceptions();
    assert.strictEqual(
      run.add([
        exception(stack('/app/a.py', 3)),
        exception(stack('/app/a.py', 3), 'ValueError', 'no price\nmore', 'op-2'),
        exception(stack('/app/a.py', 4)),
      ]),
      true,
    );
    const groups = run.groups();
    assert.strictEqual(groups.length, 2);
    assert.deepStrictEqual(
      { ...groups[0], lastTime: 0 },
      {
        typeName: 'ValueError',
        message: 'no price',
        frame: { file: '/app/a.py', line: 3, function: 'f' },
        count: 2,
        operationId: 'op-2',
        lastTime: 0,
      },
    );
    assert.strictEqual(groups[1]!.count, 1);
  });

  it('ignores other tables and stacks with only library frames; reset starts a new run', () => {
    const run = new RunExceptions();
    assert.strictEqual(
      run.add([
        { seq: 1, table: 'traces', time: 1, message: 'x' } as unknown as TelemetryItem,
        exception(stack('/usr/lib/python3.12/json/decoder.py', 5).replace(/\n {2}File "\/venv[^\n]*/, '')),
      ]),
      false,
    );
    run.add([exception(stack('/app/a.py', 3))]);
    run.reset();
    assert.deepStrictEqual(run.groups(), []);
  });

  it('is bounded: places beyond the limit are counted as dropped, not kept', () => {
    const run = new RunExceptions(10);
    run.add(Array.from({ length: 1000 }, (_, index) => exception(stack('/app/a.py', index + 1))));
    assert.strictEqual(run.groups().length, 10);
    assert.strictEqual(run.dropped, 990);
  });
});
