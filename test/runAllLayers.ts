/**
 * `npm test`: every test layer in turn, then one closing line `N passed, M failed` that adds them
 * up (CI reads it). A layer that crashes before reporting counts as one failure, never as zero.
 *   0. lint      — ESLint (eslint.config.mjs): recommended rules and the layer boundaries; one test per file
 *   1. unit      — plain Node mocha over src/core, the relay, the language server (test/unit)
 *   2. exthost   — mocha inside a real VS Code extension host (test/exthost, via test/harness)
 *   3. browser   — Playwright + headless Chromium on the real workbench and the webview (test/browser)
 * Run one layer with `npm test -- unit` (or lint, exthost, browser).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, TEST_RESULTS_DIR } from './harness/paths';

interface LayerSummary {
  passed: number;
  failed: number;
  failures?: { title: string; error: string }[];
}

const MOCHA = path.join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
const REPORTER = path.join(REPO_ROOT, 'out', 'test', 'harness', 'summaryReporter.js');

const LAYERS: { name: string; command: string[]; summaryFile: string }[] = [
  {
    name: 'lint',
    command: [path.join(REPO_ROOT, 'out', 'test', 'harness', 'runLint.js')],
    summaryFile: path.join(TEST_RESULTS_DIR, 'lint-summary.json'),
  },
  {
    name: 'unit',
    command: [MOCHA, '--config', '.mocharc.json', '--reporter', REPORTER],
    summaryFile: path.join(TEST_RESULTS_DIR, 'unit-summary.json'),
  },
  {
    name: 'exthost',
    command: [path.join(REPO_ROOT, 'out', 'test', 'harness', 'runExtensionHostTests.js')],
    summaryFile: path.join(TEST_RESULTS_DIR, 'exthost-summary.json'),
  },
  {
    name: 'browser',
    command: [MOCHA, '--no-config', '--timeout', '180000', '--reporter', REPORTER, 'out/test/browser/**/*.test.js'],
    summaryFile: path.join(TEST_RESULTS_DIR, 'browser-summary.json'),
  },
];

function runLayer(layer: (typeof LAYERS)[number]): LayerSummary {
  console.log(`\n=== ${layer.name} tests ===`);
  fs.rmSync(layer.summaryFile, { force: true });
  const started = Date.now();
  const result = spawnSync(process.execPath, layer.command, {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, MOCHA_SUMMARY_FILE: layer.summaryFile },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let summary: LayerSummary;
  try {
    summary = JSON.parse(fs.readFileSync(layer.summaryFile, 'utf8')) as LayerSummary;
  } catch {
    console.error(`${layer.name}: no summary was written (exit ${result.status ?? result.signal}); counted as 1 failure.`);
    return { passed: 0, failed: 1 };
  }
  if (result.status !== 0 && summary.failed === 0) {
    console.error(`${layer.name}: exited ${result.status ?? result.signal} although no test failed; counted as 1 failure.`);
    summary.failed = 1;
  }
  console.log(`=== ${layer.name}: ${summary.passed} passed, ${summary.failed} failed (${seconds} s) ===`);
  return summary;
}

function main(): void {
  fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !LAYERS.some((layer) => layer.name === name));
  if (unknown.length > 0) {
    console.error(`Unknown layer(s): ${unknown.join(', ')}. Layers: ${LAYERS.map((layer) => layer.name).join(', ')}`);
    process.exit(2);
  }
  const selected = only.length > 0 ? LAYERS.filter((layer) => only.includes(layer.name)) : LAYERS;
  const results = selected.map((layer) => ({ name: layer.name, ...runLayer(layer) }));
  const passed = results.reduce((sum, layer) => sum + layer.passed, 0);
  const failed = results.reduce((sum, layer) => sum + layer.failed, 0);
  console.log('\nPer layer: ' + results.map((layer) => `${layer.name} ${layer.passed}/${layer.passed + layer.failed}`).join(', '));
  for (const layer of results) {
    for (const failure of layer.failures ?? []) console.log(`  ✗ [${layer.name}] ${failure.title}: ${failure.error.split('\n')[0]}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

main();
