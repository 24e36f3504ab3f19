/**
 * Child program of relayStartLoads.test.ts, in its own process so that `require.cache` shows what
 * this one relay loaded (the mocha process has every package loaded by other tests). Starts a
 * local-only relay in the storage folder given as argv[2], then sends it a Breeze item, an OTLP
 * request and a query, and prints one JSON line: the lazily loaded packages present after each step.
 */
import * as http from 'http';
import * as path from 'path';
import { RelayHost } from '../../../src/core/host';

const LAZY_PACKAGES = ['undici', 'selfsigned', 'protobufjs', 're2js'];
const LOCAL_KEY = '6f3a2c1e-8d4b-4e7a-9c2f-1b5d7e9a0c3d';

function loadedPackages(): string[] {
  const files = Object.keys(require.cache);
  return LAZY_PACKAGES.filter((name) => files.some((file) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`)));
}

function post(port: number, target: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: target,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-azmon-key': LOCAL_KEY, 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function main(): Promise<void> {
  const host = await RelayHost.start({ storageDir: process.argv[2]!, port: 0, localKey: LOCAL_KEY, log: () => undefined });
  const steps: Record<string, { loaded: string[]; status?: number }> = { start: { loaded: loadedPackages() } };
  try {
    const port = host.server.port;
    const item = {
      name: 'Microsoft.ApplicationInsights.Message',
      time: new Date().toISOString(),
      iKey: LOCAL_KEY,
      data: { baseType: 'MessageData', baseData: { ver: 2, message: 'probe' } },
    };
    steps.track = { status: await post(port, '/v2.1/track', JSON.stringify([item])), loaded: loadedPackages() };
    steps.otlp = { status: await post(port, '/v1/logs', JSON.stringify({ resourceLogs: [] })), loaded: loadedPackages() };
    steps.query = { status: await post(port, '/azmon/query', JSON.stringify({ query: 'traces | take 1' })), loaded: loadedPackages() };
  } finally {
    await host.stop();
  }
  process.stdout.write(`${JSON.stringify(steps)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exit(1);
});
