/**
 * Mocha reporter: the usual spec output, plus a JSON summary (passes, failures, titles) written to
 * the file named by MOCHA_SUMMARY_FILE, so `runAllLayers` can add up every layer's figures.
 */
import * as fs from 'fs';
import Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options: Mocha.MochaOptions) {
    super(runner, options);
    const passed: string[] = [];
    const failed: { title: string; error: string }[] = [];
    runner.on('pass', (test) => passed.push(test.fullTitle()));
    runner.on('fail', (test, error: Error) => failed.push({ title: test.fullTitle(), error: String(error?.message ?? error) }));
    runner.once('end', () => {
      const file = process.env.MOCHA_SUMMARY_FILE;
      if (file) {
        fs.writeFileSync(file, JSON.stringify({ passed: passed.length, failed: failed.length, failures: failed, passes: passed }, null, 2));
      }
    });
  }
}

export = SummaryReporter;
