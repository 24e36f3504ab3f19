/**
 * Helpers for extension-host tests that talk to the running extension: its exports (which hold no
 * secret), real HTTP to the relay on loopback, and polling until a condition holds.
 */
import * as http from 'http';
import * as vscode from 'vscode';
import type { AzureMonitorPythonApi } from '../../src/extension/api';
import type { RelayStatus } from '../../src/extension/relayController';

export const EXTENSION_ID = 'azmon-python.azure-monitor-python';

export async function extensionApi(): Promise<AzureMonitorPythonApi> {
  const extension = vscode.extensions.getExtension<AzureMonitorPythonApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  return extension.activate();
}

/** Polls until `check` returns a value other than undefined/false; fails with `what` after the timeout. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function waitForRelayState(
  api: AzureMonitorPythonApi,
  accept: (status: RelayStatus) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<RelayStatus> {
  return eventually(
    `relay ${what} (now ${JSON.stringify(api.relayStatus())})`,
    () => (accept(api.relayStatus()) ? api.relayStatus() : undefined),
    timeoutMs,
  );
}

export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: http.IncomingHttpHeaders;
}

/** POSTs like an SDK does (no Origin header, Host 127.0.0.1:port). */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: response.headers }),
      );
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}

/** A message envelope as the Python SDKs send it. */
export function messageEnvelope(iKey: string, message: string): Record<string, unknown> {
  return {
    name: 'Microsoft.ApplicationInsights.Message',
    time: new Date().toISOString(),
    iKey,
    tags: { 'ai.cloud.role': 'exthost-tests' },
    data: { baseType: 'MessageData', baseData: { ver: 2, message, severityLevel: 1 } },
  };
}

export function connectionStringPart(connectionString: string, key: string): string | undefined {
  for (const segment of connectionString.split(';')) {
    const at = segment.indexOf('=');
    if (at > 0 && segment.slice(0, at).trim().toLowerCase() === key.toLowerCase()) return segment.slice(at + 1).trim();
  }
  return undefined;
}
