/**
 * A real Node app sending one GenAI call (test/peers-fixtures/genaiSpan.ts) through
 * `@azure/monitor-opentelemetry-exporter` and the OpenTelemetry JS SDK, run as a child process by
 * test/unit/peers/genai.test.ts (the exporter forces https: the parent passes the relay's https
 * connection string and NODE_EXTRA_CA_CERTS). Prints one JSON line: what it sent. Not a test itself.
 */
import { AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { recordGenAiCall, type SentGenAiCall } from './genaiSpan';

export interface GenAiPeerReport extends SentGenAiCall {
  readonly role: string;
}

async function main(): Promise<void> {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const runId = process.env.PEER_RUN_ID ?? 'run';
  if (!connectionString) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set');
  const role = `genai-peer-${runId}`;
  const exporter = new AzureMonitorTraceExporter({ connectionString, disableOfflineStorage: true });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': role, 'service.instance.id': 'peer-1' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const sent = recordGenAiCall(provider.getTracer('genai-peer'), runId);
  await provider.forceFlush();
  await provider.shutdown();
  const report: GenAiPeerReport = { ...sent, role };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`peer failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
