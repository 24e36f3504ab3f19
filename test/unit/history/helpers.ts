import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { HistoryOptions, HistoryStore } from '../../../src/core/history';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-history-'));
}

export function message(text: string, properties: Record<string, string> = {}, operationId = 'op1'): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: '2026-12-01T10:00:00.000Z',
    iKey: '00000000-0000-0000-0000-000000000000',
    tags: { 'ai.cloud.role': 'app', 'ai.operation.id': operationId },
    data: { baseType: 'MessageData', baseData: { ver: 2, message: text, severityLevel: 1, properties } },
  };
}

export function request(name: string, url: string, operationId: string): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Request',
    time: '2026-12-01T10:00:01.000Z',
    tags: { 'ai.operation.id': operationId, 'ai.operation.name': name },
    data: {
      baseType: 'RequestData',
      baseData: { ver: 2, id: `${operationId.slice(0, 8)}span`, name, url, duration: '00:00:00.120', responseCode: '200', success: true },
    },
  };
}

export function exception(typeName: string, stack: string, operationId: string): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Exception',
    time: '2026-12-01T10:00:02.000Z',
    tags: { 'ai.operation.id': operationId },
    data: { baseType: 'ExceptionData', baseData: { ver: 2, exceptions: [{ typeName, message: 'it broke', hasFullStack: true, stack }] } },
  };
}

export function messagesOf(envelopes: readonly Envelope[]): string[] {
  return envelopes.map((envelope) => String(envelope.data?.baseData?.message));
}

export async function openHistory(dir: string, options: HistoryOptions = {}): Promise<HistoryStore> {
  return HistoryStore.open(dir, { commitDelayMs: 5, ...options });
}

export async function allItems(history: HistoryStore, runId: string): Promise<Envelope[]> {
  const items: Envelope[] = [];
  for await (const block of history.readRun(runId)) items.push(...block);
  return items;
}

export function segmentFiles(dir: string): string[] {
  const runs = path.join(dir, 'runs');
  return fs
    .readdirSync(runs)
    .flatMap((run) => fs.readdirSync(path.join(runs, run)).map((name) => path.join(runs, run, name)))
    .sort();
}

/**
 * A read-only view of `dir`: a read-only bind mount as root (file modes do not stop root), else
 * chmod; undefined where neither works. Returns the undo.
 */
export function makeReadOnly(dir: string): (() => void) | undefined {
  if (process.platform === 'win32') return undefined;
  if (process.getuid?.() !== 0) {
    const chmodAll = (mode: number) => execFileSync('chmod', ['-R', mode.toString(8), dir]);
    chmodAll(0o500);
    return () => chmodAll(0o700);
  }
  try {
    execFileSync('mount', ['--bind', dir, dir], { stdio: 'ignore' });
    execFileSync('mount', ['-o', 'remount,ro,bind', dir], { stdio: 'ignore' });
    return () => execFileSync('umount', [dir], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch {
      // nothing was mounted
    }
    return undefined;
  }
}
