/**
 * Runs inside the real VS Code extension host as `extensionTestsPath` (the `run()` contract of the
 * test runners, no mocha), for extensionHost.bench:
 *
 * 1. activation: `extension.activate()` of the development extension AZMON_BENCH_ACTIVATE (ours or
 *    the minimal hello extension), timed here: code loading + context + `activate()` until its
 *    promise settles. VS Code's own performance marks (`code/extHost/willActivateExtension/…`,
 *    `…/didActivateExtension/…`) split off the `activate()` call itself. Starts after a 2 s pause
 *    so the built-in extensions' startup work is not in the figure.
 *    With AZMON_BENCH_COMMAND set instead, the time to the first command: that command is executed
 *    on the inactive extension (VS Code activates it for the command, as for a user's first command
 *    from the palette) until its promise settles.
 * 2. memory (when AZMON_BENCH_MEMORY_ITEMS is set): the extension's relay fills its store with N
 *    distinct items over HTTP (512-item batches from the captures); heap and RSS of this process
 *    after full GCs, before and after.
 *
 * Writes JSON to AZMON_BENCH_RESULT_FILE; rejects on failure (the workbench then exits with 1).
 * With AZMON_BENCH_CPU_PROFILE_DIR set, the first-command session also writes a CPU profile of this
 * extension host (executeCommand until 1 s after it settled, so the work the command left running
 * is in it) to that folder: `first-command-<extension id>-<pid>.cpuprofile`, with the times of
 * the settle and VS Code's activation marks in its name's `.json` companion.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as inspector from 'inspector';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../src/extension/api';
import type { Envelope } from '../../src/core/envelope';
import { OURS_ID } from './benchIds';
import { BATCH_ITEMS, buildBatch, uniqueBatchText } from '../workload';

export interface Activation {
  readonly id: string;
  /** activate() request → settled, measured in the extension host. */
  readonly totalMs: number;
  /** VS Code's marks: the extension's `activate()` call until its promise settled. */
  readonly activateCallMs?: number;
}

export interface FirstCommand {
  readonly id: string;
  readonly command: string;
  /** executeCommand() on the inactive extension → settled: activation for the command + the command. */
  readonly totalMs: number;
  /**
   * executeCommand() → VS Code's didActivateExtension mark: from then on the command is registered
   * and runs. What `totalMs` adds is the command itself and its answer's way back through the
   * workbench (with ours, also the work activation left running in the background: the history
   * folder, the relay's port plan).
   */
  readonly untilActiveMs?: number;
}

export interface ExtensionHostMemory {
  readonly items: number;
  readonly itemsReceived: number;
  readonly heapBeforeBytes: number;
  readonly heapAfterBytes: number;
  readonly rssBeforeBytes: number;
  readonly rssAfterBytes: number;
}

export interface SuiteResult {
  readonly activation?: Activation;
  readonly firstCommand?: FirstCommand;
  readonly memory?: ExtensionHostMemory;
}

interface PerformanceMarks {
  getMarks(): { name: string; startTime: number }[];
}

async function timedActivation(id: string): Promise<Activation> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`${id} is not loaded`);
  if (extension.isActive) throw new Error(`${id} was already active: the timing would be meaningless`);
  const started = performance.now();
  await extension.activate();
  const totalMs = performance.now() - started;
  const marks = (globalThis as { MonacoPerformanceMarks?: PerformanceMarks }).MonacoPerformanceMarks?.getMarks() ?? [];
  const mark = (what: string): number | undefined =>
    marks.find((entry) => entry.name === `code/extHost/${what}/${extension.id}`)?.startTime;
  const will = mark('willActivateExtension');
  const did = mark('didActivateExtension');
  return will !== undefined && did !== undefined ? { id, totalMs, activateCallMs: did - will } : { id, totalMs };
}

async function timedFirstCommand(id: string, command: string): Promise<FirstCommand> {
  const extension = vscode.extensions.getExtension(id);
  if (!extension) throw new Error(`${id} is not loaded`);
  if (extension.isActive) throw new Error(`${id} was already active: the timing would be meaningless`);
  const started = performance.now();
  await vscode.commands.executeCommand(command);
  const totalMs = performance.now() - started;
  if (!extension.isActive) throw new Error(`${command} ran but ${id} is not active: it is not that extension's command`);
  const did = performanceMark(`code/extHost/didActivateExtension/${extension.id}`);
  // The marks are either relative to this process's time origin or epoch milliseconds.
  const untilActiveMs = did === undefined ? undefined : did > 1e12 ? did - (performance.timeOrigin + started) : did - started;
  return untilActiveMs === undefined ? { id, command, totalMs } : { id, command, totalMs, untilActiveMs };
}

/** Runs `work` under the V8 profiler of this process and keeps profiling `afterMs` after it settled. */
async function profiled<T>(dir: string, name: string, afterMs: number, work: () => Promise<T>): Promise<T> {
  const session = new inspector.Session();
  session.connect();
  const call = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params, (error, answer) => (error ? reject(error) : resolve(answer))));
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 200 });
  await call('Profiler.start');
  const started = performance.now();
  try {
    const value = await work();
    const settledMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    const { profile } = (await call('Profiler.stop')) as { profile: object };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(profile));
    fs.writeFileSync(path.join(dir, `${name}-${process.pid}.json`), JSON.stringify({ settledMs, result: value }));
    return value;
  } finally {
    session.disconnect();
  }
}

function performanceMark(name: string): number | undefined {
  const marks = (globalThis as { MonacoPerformanceMarks?: PerformanceMarks }).MonacoPerformanceMarks?.getMarks() ?? [];
  return marks.find((entry) => entry.name === name)?.startTime;
}

function fullGc(): NodeJS.MemoryUsage {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  for (let pass = 0; pass < 3; pass++) gc();
  return process.memoryUsage();
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function fillStore(items: number): Promise<ExtensionHostMemory> {
  const api = vscode.extensions.getExtension<AzureMonitorPythonApi>(OURS_ID)!.exports;
  const relay = await api.startRelay();
  const key = /InstrumentationKey=([^;]+)/.exec(relay.localConnectionString)?.[1];
  if (!key) throw new Error('the relay has no local key');
  let template: Envelope[] | undefined = buildBatch(key);
  const received = api.relayStatus().itemsReceived;
  const before = fullGc();
  for (let batchIndex = 0; batchIndex * BATCH_ITEMS < items; batchIndex++) {
    const size = Math.min(BATCH_ITEMS, items - batchIndex * BATCH_ITEMS);
    const status = await post(`${relay.url}v2.1/track`, uniqueBatchText(batchIndex, template.slice(0, size)));
    if (status !== 200) throw new Error(`batch ${batchIndex}: the relay answered ${status}`);
  }
  // Drop the template before measuring the heap: the assignment is for the collector, not a read.
  // eslint-disable-next-line no-useless-assignment
  template = undefined;
  // The status counter follows the relay's stats with a delay.
  for (let waited = 0; api.relayStatus().itemsReceived - received < items && waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = fullGc();
  return {
    items,
    itemsReceived: api.relayStatus().itemsReceived - received,
    heapBeforeBytes: before.heapUsed,
    heapAfterBytes: after.heapUsed,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
  };
}

export async function run(): Promise<void> {
  const resultFile = process.env.AZMON_BENCH_RESULT_FILE;
  if (!resultFile) throw new Error('AZMON_BENCH_RESULT_FILE is not set');
  // Let the startup activations of the built-in extensions (git, emmet, …) finish first.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.AZMON_BENCH_SETTLE_MS ?? 2000)));
  const id = process.env.AZMON_BENCH_ACTIVATE ?? OURS_ID;
  const command = process.env.AZMON_BENCH_COMMAND;
  if (command) {
    const profileDir = process.env.AZMON_BENCH_CPU_PROFILE_DIR;
    const firstCommand = profileDir
      ? await profiled(profileDir, `first-command-${id}`, 1000, () => timedFirstCommand(id, command))
      : await timedFirstCommand(id, command);
    fs.writeFileSync(resultFile, JSON.stringify({ firstCommand } satisfies SuiteResult));
    return;
  }
  const activation = await timedActivation(id);
  const items = Number(process.env.AZMON_BENCH_MEMORY_ITEMS ?? 0);
  const result: SuiteResult = items > 0 ? { activation, memory: await fillStore(items) } : { activation };
  fs.writeFileSync(resultFile, JSON.stringify(result));
}
