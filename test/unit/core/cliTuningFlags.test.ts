/** The headless relay's forwarder tuning flags (used by the upstream-fault test, documented in --help). */
import * as assert from 'assert';
import { parseCliArgs } from '../../../src/cli';

describe('cli: forwarder tuning flags', () => {
  it('reads --request-timeout-ms, --retry-base-ms and --retry-max-ms (also with =)', () => {
    const options = parseCliArgs(['--request-timeout-ms', '1500', '--retry-base-ms=100', '--retry-max-ms', '1000']);
    assert.strictEqual(options.requestTimeoutMs, 1500);
    assert.strictEqual(options.backoffBaseMs, 100);
    assert.strictEqual(options.backoffMaxMs, 1000);
  });

  it('leaves them undefined (the ForwardQueue defaults) when absent', () => {
    const options = parseCliArgs([]);
    assert.deepStrictEqual([options.requestTimeoutMs, options.backoffBaseMs, options.backoffMaxMs], [undefined, undefined, undefined]);
  });

  it('refuses values that are not whole milliseconds from 1 to a day', () => {
    for (const value of ['0', '-5', '1.5', 'soon', '86400001']) {
      assert.throws(() => parseCliArgs(['--request-timeout-ms', value]), /milliseconds/, value);
    }
    assert.throws(() => parseCliArgs(['--retry-max-ms']), /needs a value/);
  });

  it('reads the byte budgets --buffer-mb and --live-metrics-mb in MiB, and refuses nonsense', () => {
    const options = parseCliArgs(['--buffer-mb', '64', '--live-metrics-mb=8']);
    assert.strictEqual(options.bufferMaxBytes, 64 * 1024 * 1024);
    assert.strictEqual(options.liveMetricsMaxBytes, 8 * 1024 * 1024);
    assert.deepStrictEqual([parseCliArgs([]).bufferMaxBytes, parseCliArgs([]).liveMetricsMaxBytes], [undefined, undefined]);
    for (const value of ['0', '-1', '1.5', 'lots', '65537']) {
      assert.throws(() => parseCliArgs(['--buffer-mb', value]), /MiB/, value);
    }
  });
});
