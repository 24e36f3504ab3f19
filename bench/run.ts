/**
 * `npm run bench`: runs every `*.bench.js` module next to this file (compiled from bench/*.bench.ts),
 * in name order, and prints one JSON object per line on stdout (progress goes to stderr).
 * Contract (see bench/README.md): a module exports `run(): Promise<BenchResult[]>`; results carry
 * our figure, a baseline measured in the same run, and their ratio. A module that throws prints
 * `{"name":"<module>","error":"..."}` and makes the exit code 1; the others still run.
 * `node out/bench/run.js ingest memory` runs only modules whose file name contains a given word.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { BenchResult } from './benchResult';

interface BenchModule {
  run(): Promise<BenchResult[]>;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const modules = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.js'))
    .filter((file) => filters.length === 0 || filters.some((word) => file.includes(word)))
    .sort();
  if (modules.length === 0) {
    throw new Error(`No bench modules in ${__dirname}${filters.length ? ` matching ${filters.join(', ')}` : ''}.`);
  }
  for (const file of modules) {
    const name = file.replace(/\.bench\.js$/, '');
    const started = Date.now();
    process.stderr.write(`bench: ${name} …\n`);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require(path.join(__dirname, file)) as Partial<BenchModule>;
      if (typeof module.run !== 'function') {
        throw new Error(`${file} does not export run(): Promise<BenchResult[]>`);
      }
      for (const result of await module.run()) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
      }
    } catch (error) {
      process.exitCode = 1;
      process.stdout.write(`${JSON.stringify({ name, error: error instanceof Error ? error.message : String(error) })}\n`);
    }
    process.stderr.write(`bench: ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
