/**
 * Starts a hermetic code-server on 127.0.0.1: fresh user-data and extensions folders, its own empty
 * config file, no auth, no telemetry, no update checks. One server per test run; `stop()` ends the
 * whole process group (server, extension host, file watcher, pty host).
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { ensureCodeServer } from './vscodeInfra';

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly runDir: string;
  readonly userDataDir: string;
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** Extra environment for the server; the extension host inherits it. */
  readonly env?: NodeJS.ProcessEnv;
  readonly port?: number;
  readonly settings?: Record<string, unknown>;
  readonly log?: (line: string) => void;
  /** Folder for the server's user data, logs and extensions; a fresh temporary one by default. */
  readonly runDir?: string;
}

const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  // The extension's walkthrough would open on the first activation and take the editor (also off
  // through AZMON_FIRST_RUN_WALKTHROUGH below: settings can arrive after activation); the
  // first-run test turns both back on.
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.enableExperiments': false,
  // The sample workspace sits inside this repository: no "open the parent repository?" prompt.
  'git.openRepositoryInParentFolders': 'never',
};

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const binary = ensureCodeServer(undefined, options.log);
  const runDir = options.runDir ?? createRunDir();
  const userDataDir = path.join(runDir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  // recursive: a test may start a server again on the same folders (a restart keeps user data).
  fs.mkdirSync(path.join(runDir, 'extensions'), { recursive: true });
  const configFile = path.join(runDir, 'config.yaml');
  fs.writeFileSync(configFile, ''); // keeps ~/.config/code-server/config.yaml out of it
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...options.settings }, null, 2));

  const port = options.port ?? (await freePort());
  const logFile = fs.openSync(path.join(runDir, 'code-server.log'), 'a');
  const child = spawn(
    binary,
    [
      '--config',
      configFile,
      '--user-data-dir',
      userDataDir,
      '--extensions-dir',
      path.join(runDir, 'extensions'),
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
    ],
    { detached: true, stdio: ['ignore', logFile, logFile], env: { ...process.env, AZMON_FIRST_RUN_WALKTHROUGH: 'off', ...options.env } },
  );
  fs.closeSync(logFile);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, child, runDir);
  } catch (error) {
    killGroup(child);
    throw error;
  }
  return {
    url,
    port,
    runDir,
    userDataDir,
    stop: async () => {
      killGroup(child);
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(resolve, 5000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      // The extension host survives SIGTERM at times and would linger as an orphan (seen: the next
      // workbench then listed none of the extension's commands): whatever is left of the group goes.
      killGroup(child, 'SIGKILL');
    },
  };
}

export function createRunDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-code-server-'));
}

async function waitForHealth(url: string, child: ChildProcess, runDir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode}:\n${fs.readFileSync(path.join(runDir, 'code-server.log'), 'utf8')}`);
    }
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within 60 s`);
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal); // detached → its own process group
  } catch {
    // ESRCH: the group is gone already.
    if (signal === 'SIGTERM') child.kill(signal);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
