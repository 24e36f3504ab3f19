/**
 * Installs code-server (VS Code's server and web workbench) from npm into a cache folder outside
 * the repository, working around what fails without internet access (see shared/vscode-here.md):
 * @vscode/ripgrep's GitHub download (its cache is seeded with Debian's rg), node-pty's npx prompt,
 * and code-server's refusal to run its postinstall as root without unsafe-perm.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHROMIUM_PATH, CODE_SERVER_VERSION, INFRA_DIR } from './paths';

const RIPGREP_NPM_VERSION = '1.15.11'; // pinned by code-server 4.100.3's shrinkwrap
const RIPGREP_ASSET_VERSION = 'v13.0.0-10';

export function codeServerBinary(infraDir = INFRA_DIR): string {
  return path.join(infraDir, 'node_modules', '.bin', 'code-server');
}

/** Returns the code-server binary, installing it first when needed (about a minute, once). */
export function ensureCodeServer(infraDir = INFRA_DIR, log: (line: string) => void = console.log): string {
  requireTool(CHROMIUM_PATH, 'Chromium drives the VS Code workbench in the tests: apt-get install chromium (or set CHROMIUM_PATH).');
  const binary = codeServerBinary(infraDir);
  if (fs.existsSync(binary) && installedVersion(infraDir) === CODE_SERVER_VERSION) {
    return binary;
  }
  log(`Installing code-server ${CODE_SERVER_VERSION} into ${infraDir} (once; takes about a minute)…`);
  seedRipgrepCache();
  fs.mkdirSync(infraDir, { recursive: true });
  fs.writeFileSync(
    path.join(infraDir, 'package.json'),
    JSON.stringify({ name: 'azmon-vscode-test-infra', private: true, dependencies: { 'code-server': CODE_SERVER_VERSION } }, null, 2),
  );
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
    cwd: infraDir,
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr', // local Node headers for node-gyp
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  fs.writeFileSync(path.join(infraDir, 'npm-install.log'), `${result.stdout}\n${result.stderr}`);
  if (result.status !== 0 || !fs.existsSync(binary)) {
    throw new Error(
      `code-server install failed (exit ${result.status}); see ${path.join(infraDir, 'npm-install.log')}\n${tail(result.stderr || result.stdout, 40)}`,
    );
  }
  log(`code-server ${installedVersion(infraDir)} installed.`);
  return binary;
}

function installedVersion(infraDir: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(infraDir, 'node_modules', 'code-server', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version;
  } catch {
    return undefined;
  }
}

/** @vscode/ripgrep looks in this cache before downloading from GitHub; Debian's rg is the same 13.0.0. */
function seedRipgrepCache(): void {
  const rg = execFileSync('sh', ['-c', 'command -v rg || true'], { encoding: 'utf8' }).trim();
  if (!rg) {
    throw new Error('ripgrep is needed to install code-server offline: apt-get install ripgrep');
  }
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_NPM_VERSION}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const archive = path.join(cacheDir, `ripgrep-${RIPGREP_ASSET_VERSION}-x86_64-unknown-linux-musl.tar.gz`);
  execFileSync('tar', ['czf', archive, '-C', path.dirname(rg), path.basename(rg)]);
}

function requireTool(file: string, hint: string): void {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} not found. ${hint}`);
  }
}

function tail(text: string, lines: number): string {
  return text.split('\n').slice(-lines).join('\n');
}
