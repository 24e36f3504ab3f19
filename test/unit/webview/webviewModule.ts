/**
 * Loads DOM-free webview code (src/webview/model/…) in plain Node: the main tsconfig leaves
 * src/webview out (it is type-checked against the DOM by its own tsconfig), so the module is bundled
 * with esbuild — the bundler the build uses — into CommonJS in memory and loaded from there.
 * What runs is the real source, not a copy.
 */
import { buildSync } from 'esbuild';
import Module from 'module';
import * as path from 'path';
import { REPO_ROOT } from '../../harness/paths';

export function loadWebviewModule<T>(relativePath: string): T {
  const entry = path.join(REPO_ROOT, relativePath);
  const output = buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const loaded = new Module(entry) as Module & { _compile(code: string, filename: string): void };
  loaded.filename = entry;
  loaded._compile(output.outputFiles[0]!.text, entry);
  return loaded.exports as T;
}
