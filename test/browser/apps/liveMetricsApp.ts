/**
 * A Node app with the real `@azure/monitor-opentelemetry` distro and Live Metrics on, started by the
 * Live-view workbench test from a VS Code terminal, so it runs with exactly what the extension
 * injects there: the relay's local connection string (with its LiveEndpoint) and the relay CA in
 * NODE_EXTRA_CA_CERTS. It serves a "request" every 50 ms (two of three to /orders) until the file
 * argv[3] exists, shuts the distro down, and writes a JSON report to argv[2]. Not a test.
 */
import * as fs from 'fs';
import { shutdownAzureMonitor } from '@azure/monitor-opentelemetry';
import { RequestMaker, startLiveMetricsDistro } from '../../peers-fixtures/liveDistro';

export interface LiveAppReport {
  readonly requests: number;
  readonly orders: number;
  readonly error?: string;
}

async function main(stopFile: string): Promise<LiveAppReport> {
  const connectionString = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) throw new Error('APPLICATIONINSIGHTS_CONNECTION_STRING is not set: not started from a VS Code terminal?');
  if (!process.env.NODE_EXTRA_CA_CERTS) throw new Error('NODE_EXTRA_CA_CERTS is not set: the relay CA is not trusted');
  startLiveMetricsDistro(connectionString);
  const maker = new RequestMaker();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      maker.serve();
      if (fs.existsSync(stopFile)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
  await shutdownAzureMonitor();
  return { requests: maker.requests, orders: maker.orders };
}

const [reportFile, stopFile] = process.argv.slice(2);
if (!reportFile || !stopFile) {
  process.stderr.write('usage: node liveMetricsApp.js <report file> <stop file>\n');
  process.exit(2);
}
main(stopFile).then(
  (report) => {
    fs.writeFileSync(reportFile, JSON.stringify(report));
    process.exit(0);
  },
  (error: unknown) => {
    fs.writeFileSync(
      reportFile,
      JSON.stringify({ requests: 0, orders: 0, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
    process.exit(1);
  },
);
