/**
 * A real Node app with the `@azure/monitor-opentelemetry` distro and Live Metrics on
 * (`useAzureMonitor({ enableLiveMetrics: true })`), run as a child process by the Live Metrics peer
 * test. It serves "requests" (server spans, two of three to /orders, one to /health) until its
 * stdin closes, then shuts the distro down (a last Live Metrics post) and prints one JSON line with
 * what it made. The parent passes the relay's https connection string and NODE_EXTRA_CA_CERTS.
 * Not a test itself.
 */
import { useAzureMonitor, shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import { SpanKind, trace } from '@opentelemetry/api';

export interface LivePeerReport {
  readonly runId: string;
  readonly requests: number;
  readonly orders: number;
}

async function main(): Promise<void> {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const runId = process.env.PEER_RUN_ID ?? 'run';
  if (!connectionString) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, disableOfflineStorage: true },
    enableLiveMetrics: true,
    enableStandardMetrics: false,
    enablePerformanceCounters: false,
    samplingRatio: 1,
    tracesPerSecond: 0,
  });
  const tracer = trace.getTracer('live-peer');
  let requests = 0;
  let orders = 0;
  const serve = (): void => {
    const path = requests % 3 === 2 ? '/health' : '/orders';
    const span = tracer.startSpan(`GET ${path}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'url.full': `http://localhost:8080${path}?run=${runId}`, 'url.path': path, 'http.route': path, 'http.response.status_code': 200 },
    });
    span.end();
    requests++;
    if (path === '/orders') orders++;
  };
  const timer = setInterval(serve, 50);
  await new Promise<void>((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.resume();
  });
  clearInterval(timer);
  await shutdownAzureMonitor();
  const report: LivePeerReport = { runId, requests, orders };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
