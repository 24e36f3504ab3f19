/** `azmon-relay` as a child process, for the CLI tests. */
import { ChildProcess, spawn } from 'child_process';
import * as esbuild from 'esbuild';
import * as path from 'path';
import { REPO_ROOT, tempDir } from './helpers';

/**
 * Builds src/cli.ts the way esbuild.mjs does (bundle, node20, cjs, shebang), into a private
 * directory so the test never races other builds of dist/.
 */
export async function buildCli(): Promise<string> {
  const outfile = path.join(tempDir('azmon-relay-cli-'), 'cli.js');
  await esbuild.build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ['src/cli.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'silent',
  });
  return outfile;
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

export function run(cli: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const cleanEnv = { ...process.env, ...env };
  if (!('APPLICATIONINSIGHTS_CONNECTION_STRING' in env)) delete cleanEnv.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const child = spawn(process.execPath, [cli, ...args], { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

export async function firstLine(running: Running): Promise<string> {
  const deadline = Date.now() + 10000;
  while (!running.stdout().includes('\n')) {
    if (Date.now() > deadline || running.child.exitCode !== null) throw new Error(`no JSON line; stderr: ${running.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return running.stdout().split('\n')[0];
}
