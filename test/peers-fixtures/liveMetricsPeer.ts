/**
 * A real Node app with the `@azure/monitor-opentelemetry` distro and Live Metrics on
 * (`useAzureMonitor({ enableLiveMetrics: true })`), run as a child process by the Live Metrics peer
 * test. It serves "requests" (server spans, two of three to /orders, one to /health) until its
 * stdin closes, then shuts the distro down (a last Live Metrics post) and prints one JSON line with
 * what it made. The parent passes the relay's https connection string and NODE_EXTRA_CA_CERTS.
 * Not a test itself.
 */
import { shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import { RequestMaker, startLiveMetricsDistro } from './liveDistro';

export interface LivePeerReport {
  readonly runId: string;
  readonly requests: number;
  readonly orders: number;
}

async function main(): Promise<void> {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const runId = process.env.PEER_RUN_ID ?? 'run';
  if (!connectionString) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  startLiveMetricsDistro(connectionString);
  const maker = new RequestMaker();
  const timer = setInterval(() => maker.serve(`?run=${runId}`), 50);
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  });
  clearInterval(timer);
  await shutdownAzureMonitor();
  const report: LivePeerReport = { runId, requests: maker.requests, orders: maker.orders };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
