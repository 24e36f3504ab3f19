/**
 * The extension as it ships, built without touching the work tree's dist/ (others use the dev
 * build): `node esbuild.mjs --production` runs with a temporary folder as its working directory
 * (esbuild.mjs uses relative paths; src and node_modules are symlinked in), then the files
 * .vscodeignore keeps are copied beside the bundles and `vsce package` makes the VSIX there.
 * The folder doubles as the extension the extension-host bench loads.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './workload';

/** What .vscodeignore lets into the VSIX besides dist/. */
const SHIPPED = [
  'media',
  'l10n',
  'package.json',
  'package.nls.json',
  'package.nls.ko.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  '.vscodeignore',
];

export interface ProductionPackage {
  /** Extension folder: manifest, media, l10n and the production dist/. */
  readonly folder: string;
  readonly vsix: string;
  readonly buildMs: number;
  remove(): void;
}

export function buildProductionPackage(): ProductionPackage {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-bench-production-'));
  const linked = ['src', 'node_modules'];
  for (const name of linked) fs.symlinkSync(path.join(REPO_ROOT, name), path.join(folder, name));
  const started = Date.now();
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'esbuild.mjs'), '--production'], {
    cwd: folder,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const buildMs = Date.now() - started;
  for (const name of linked) fs.unlinkSync(path.join(folder, name));
  for (const name of SHIPPED) {
    if (fs.existsSync(path.join(REPO_ROOT, name))) fs.cpSync(path.join(REPO_ROOT, name), path.join(folder, name), { recursive: true });
  }
  const vsix = path.join(folder, 'bench.vsix');
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix],
    { cwd: folder, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  // Every bundle the build made must ship: the lazy ones are required at run time, a VSIX without one breaks only later.
  const listed = execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
    { cwd: folder, encoding: 'utf8' },
  ).split('\n');
  const missing = fs.readdirSync(path.join(folder, 'dist')).filter((file) => file.endsWith('.js') && !listed.includes(`dist/${file}`));
  if (missing.length > 0) throw new Error(`the VSIX would not contain ${missing.join(', ')}`);
  return { folder, vsix, buildMs, remove: () => fs.rmSync(folder, { recursive: true, force: true }) };
}

export function fileSize(file: string): number {
  return fs.statSync(file).size;
}
