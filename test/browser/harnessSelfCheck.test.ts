/**
 * The extension-host layer must be able to fail: run it with one extra test that fails on purpose
 * and check that the runner exits non-zero and counts the failure.
 */
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from '../harness/paths';

describe('Extension-host layer self-check', function () {
  this.timeout(240_000);

  it('reports a failing test inside the extension host as a failure (exit code and summary)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-selfcheck-'));
    const failingTest = path.join(dir, 'failsOnPurpose.test.js');
    fs.writeFileSync(
      failingTest,
      "const assert = require('assert');\ndescribe('self-check', () => { it('fails on purpose', () => assert.strictEqual(1, 2)); });\n",
    );
    const summaryFile = path.join(dir, 'summary.json');
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'out', 'test', 'harness', 'runExtensionHostTests.js')], {
      encoding: 'utf8',
      timeout: 200_000,
      env: {
        ...process.env,
        AZMON_EXTHOST_EXTRA_TEST: failingTest,
        AZMON_EXTHOST_GREP: 'fails on purpose',
        AZMON_EXTHOST_SUMMARY_FILE: summaryFile,
      },
    });
    assert.notStrictEqual(result.status, 0, `the runner must fail:\n${result.stdout}\n${result.stderr}`);
    const summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as { passed: number; failed: number; failures: { title: string }[] };
    assert.deepStrictEqual(
      { passed: summary.passed, failed: summary.failed, title: summary.failures[0]?.title },
      { passed: 0, failed: 1, title: 'self-check fails on purpose' },
    );
  });
});
