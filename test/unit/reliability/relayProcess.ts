/**
 * The headless relay (`dist/cli.js`, the shipped bundle) as a child process for the reliability
 * tests: started with a storage folder and a forwarding connection string, read from its one JSON
 * stdout line, killed (SIGKILL, no flush) or stopped (SIGTERM, flushes), and its redacted stderr
 * kept for the report and the secrets check.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { REPO_ROOT } from '../relay/helpers';

export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'cli.js');

export interface RelayProcessOptions {
  readonly storage: string;
  readonly localKey: string;
  /** The real one: only through the environment, as the CLI requires. */
  readonly connectionString: string;
  /** 0 for any; a restart passes the first run's port so the apps keep their endpoint. */
  readonly port: number;
  readonly args?: readonly string[];
  /** Node flags before the script (e.g. `--max-old-space-size=256`). */
  readonly nodeArgs?: readonly string[];
}

export interface RelayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  kill(): Promise<void>;
  /** SIGTERM: the CLI flushes (bounded) and exits; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Fails early, with the fix, when the bundle is missing or older than the flags this test needs. */
export function assertCliBuilt(requiredFlags: readonly string[]): void {
  if (!fs.existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "node esbuild.mjs" (npm test does).`);
  const help = spawnSync(process.execPath, [CLI_PATH, '--help'], { encoding: 'utf8' }).stdout;
  for (const flag of requiredFlags) {
    if (!help.includes(flag)) throw new Error(`dist/cli.js has no ${flag}: rebuild it with "node esbuild.mjs".`);
  }
}

export function startRelayProcess(options: RelayProcessOptions): Promise<RelayProcess> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(APPLICATIONINSIGHTS_|OTEL_)/i.test(name)) env[name] = value;
  }
  env.APPLICATIONINSIGHTS_CONNECTION_STRING = options.connectionString;
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      CLI_PATH,
      '--port',
      String(options.port),
      '--no-https',
      '--storage',
      options.storage,
      '--local-key',
      options.localKey,
      ...(options.args ?? []),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise<RelayProcess>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => fail(new Error('the relay printed nothing within 15 s')), 15_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\nstderr:\n${stderr}`));
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`the relay exited (${code ?? signal}) before listening`));
    child.once('exit', onEarlyExit);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      const line = JSON.parse(stdout.slice(0, newline)) as { url: string };
      resolve({
        child,
        url: line.url,
        port: Number(new URL(line.url).port),
        stderr: () => stderr,
        kill: async () => {
          child.kill('SIGKILL');
          await exited;
        },
        stop: async () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}

/**
 * Queued items in acknowledged queue files under `dir` (a `.tmp` was never acknowledged), from
 * the count each file's name carries (`<ms>-<seq>-<items>-<random>.queue`, or `.ndjson`).
 */
export function queuedLines(dir: string): number {
  let items = 0;
  for (const file of listFiles(dir)) {
    const match = /^\d{15}-\d{6}-(\d+)-[0-9a-f]{8}\.(?:queue|ndjson)$/.exec(path.basename(file));
    if (match) items += Number(match[1]);
  }
  return items;
}

/**
 * A file under the relay's storage as text. Queue files of layout 2 (`.queue`) are a JSON header
 * line and gzipped segments (src/core/forward/queueSegments.ts); they are decoded here on their
 * own, so a secret inside a compressed segment is still visible. Anything else is read as it is.
 */
export function storageFileText(file: string): string {
  const content = fs.readFileSync(file);
  if (!file.endsWith('.queue')) return content.toString('latin1');
  const newline = content.indexOf(0x0a);
  const header = JSON.parse(content.subarray(0, newline).toString('utf8')) as { segments: { packedBytes: number }[] };
  const texts = [content.subarray(0, newline).toString('utf8')];
  let offset = newline + 1;
  for (const segment of header.segments) texts.push(gunzipSync(content.subarray(offset, (offset += segment.packedBytes))).toString('utf8'));
  return texts.join('\n');
}

export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
