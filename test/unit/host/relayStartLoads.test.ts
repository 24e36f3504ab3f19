/**
 * What a local-only relay start loads (issue 20): the heavy packages come through src/core/lazy.ts
 * on first use only. esbuild.mjs keeps them out of dist/relay.js; this checks the run-time side,
 * that nothing on the start path calls a loader early. Each start runs in a child process
 * (relayStartProbe.ts) so `require.cache` shows that relay's loads alone.
 */
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../forward/helpers';

interface Step {
  readonly loaded: string[];
  readonly status?: number;
}
type Probe = Record<'start' | 'track' | 'otlp' | 'query', Step>;

function probe(storage: string): Promise<Probe> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'relayStartProbe.js'), storage], { timeout: 50_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the probe failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Probe);
    });
  });
}

describe('Relay start loads only what local-only use needs', () => {
  let storage: string;
  beforeEach(() => (storage = tempDir('azmon-lazy-start-')));
  afterEach(() => fs.rmSync(storage, { recursive: true, force: true }));

  it('makes the first certificate with selfsigned, then starts with none of undici, selfsigned, protobufjs, re2js', async () => {
    const first = await probe(storage);
    assert.deepStrictEqual(first.start.loaded, ['selfsigned'], 'no certificate on disk yet: selfsigned makes one, nothing else loads');
    const second = await probe(storage);
    assert.deepStrictEqual(second.start.loaded, [], 'a usable certificate on disk: nothing heavy loads at start');
  });

  it('loads protobufjs on the first OTLP request and the KQL evaluator on the first query, never undici when local-only', async () => {
    await probe(storage); // the certificate
    const { track, otlp, query } = await probe(storage);
    assert.strictEqual(track.status, 200);
    assert.deepStrictEqual(track.loaded, [], 'a Breeze item loads nothing heavy');
    assert.strictEqual(otlp.status, 200);
    assert.deepStrictEqual(otlp.loaded, ['protobufjs']);
    assert.strictEqual(query.status, 200);
    assert.deepStrictEqual(query.loaded, ['protobufjs', 're2js']);
  });
});
