/**
 * Loaded by the VS Code extension host as `extensionTestsPath` (same `run()` contract as
 * @vscode/test-electron). Runs every *.test.js beside it with mocha and writes a JSON summary to
 * AZMON_TEST_RESULT_FILE for the all-layers count.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (file.endsWith('.test.js')) {
      mocha.addFile(path.join(__dirname, file));
    }
  }
  // Used by the harness's own check that a failing test makes this layer fail.
  if (process.env.AZMON_EXTHOST_EXTRA_TEST) {
    mocha.addFile(process.env.AZMON_EXTHOST_EXTRA_TEST);
  }
  if (process.env.AZMON_EXTHOST_GREP) {
    mocha.grep(process.env.AZMON_EXTHOST_GREP);
  }
  return new Promise((resolve, reject) => {
    const passed: string[] = [];
    const failed: { title: string; error: string }[] = [];
    const runner = mocha.run((failures) => {
      const summaryFile = process.env.AZMON_TEST_RESULT_FILE;
      if (summaryFile) {
        fs.writeFileSync(
          summaryFile,
          JSON.stringify({ passed: passed.length, failed: failed.length, failures: failed, passes: passed }, null, 2),
        );
      }
      if (failures > 0) {
        reject(new Error(`${failures} extension-host test(s) failed.`));
      } else {
        resolve();
      }
    });
    runner.on('pass', (test) => passed.push(test.fullTitle()));
    runner.on('fail', (test, error: Error) => failed.push({ title: test.fullTitle(), error: String(error?.message ?? error) }));
  });
}
