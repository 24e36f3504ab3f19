/**
 * A real Node app using `applicationinsights@3` through its classic API (trackTrace, trackEvent,
 * trackException, trackMetric, trackRequest, trackDependency), run as a child process by the peer
 * tests with the relay's https connection string and NODE_EXTRA_CA_CERTS. Auto-collection is off so
 * only the tracked items travel; it flushes, shuts down and prints one JSON line describing what it
 * tracked. Not a test itself.
 */
import * as appInsights from 'applicationinsights';

export interface ClassicPeerReport {
  readonly runId: string;
  readonly role: string;
  readonly trace: { readonly message: string; readonly severity: 'Warning' };
  readonly event: { readonly name: string; readonly measurement: number };
  readonly exception: { readonly message: string; readonly typeName: string };
  readonly metric: { readonly name: string; readonly value: number };
  readonly request: { readonly name: string; readonly url: string; readonly resultCode: string; readonly duration: number };
  readonly dependency: {
    readonly name: string;
    readonly target: string;
    readonly data: string;
    readonly resultCode: string;
    readonly duration: number;
  };
}

async function main(): Promise<void> {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const runId = process.env.PEER_RUN_ID ?? 'run';
  if (!connectionString) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  const role = `classic-peer-${runId}`;
  process.env.OTEL_SERVICE_NAME = role;
  appInsights
    .setup(connectionString)
    .setAutoCollectConsole(false)
    .setAutoCollectExceptions(false)
    .setAutoCollectPerformance(false, false)
    .setAutoCollectPreAggregatedMetrics(false)
    .setAutoCollectHeartbeat(false)
    .setAutoCollectRequests(false)
    .setAutoCollectDependencies(false)
    .setUseDiskRetryCaching(false)
    .setSendLiveMetrics(false)
    .start();
  const client = appInsights.defaultClient;
  const properties = { 'peer.run': runId };
  const report: ClassicPeerReport = {
    runId,
    role,
    trace: { message: `cache miss ${runId}`, severity: 'Warning' },
    event: { name: `checkout-${runId}`, measurement: 3 },
    exception: { message: `classic failure ${runId}`, typeName: 'RangeError' },
    metric: { name: `classic_queue_${runId.replace(/\W/g, '_')}`, value: 17 },
    request: { name: 'POST /checkout', url: 'http://localhost:3000/checkout', resultCode: '201', duration: 12 },
    dependency: { name: 'SELECT orders', target: 'db.local', data: 'SELECT * FROM orders', resultCode: '0', duration: 4 },
  };
  client.trackTrace({ message: report.trace.message, severity: appInsights.KnownSeverityLevel.Warning, properties });
  client.trackEvent({ name: report.event.name, properties, measurements: { items: report.event.measurement } });
  client.trackException({ exception: new RangeError(report.exception.message), properties });
  client.trackMetric({ name: report.metric.name, value: report.metric.value, properties });
  client.trackRequest({ ...report.request, success: true, properties });
  client.trackDependency({ ...report.dependency, dependencyTypeName: 'SQL', success: true, properties });
  await client.flush();
  await appInsights.shutdownAzureMonitor();
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`peer failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
