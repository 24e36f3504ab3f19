/**
 * What the Live Metrics test apps share: the `@azure/monitor-opentelemetry` distro started with Live
 * Metrics on (and nothing else that would add noise), and a "server" that makes one request span
 * per call — two of three to /orders, one to /health — counting what it made. Not a test itself.
 */
import { useAzureMonitor } from '@azure/monitor-opentelemetry';
import { SpanKind, trace } from '@opentelemetry/api';

export function startLiveMetricsDistro(connectionString: string): void {
  useAzureMonitor({
    azureMonitorExporterOptions: { connectionString, disableOfflineStorage: true },
    enableLiveMetrics: true,
    enableStandardMetrics: false,
    enablePerformanceCounters: false,
    samplingRatio: 1,
    tracesPerSecond: 0,
  });
}

export class RequestMaker {
  requests = 0;
  orders = 0;
  private readonly tracer = trace.getTracer('live-app');

  /** One server span; `query` is appended to the URL (a run id makes a run's items recognisable). */
  serve(query = ''): void {
    const route = this.requests % 3 === 2 ? '/health' : '/orders';
    const span = this.tracer.startSpan(`GET ${route}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'url.full': `http://localhost:8080${route}${query}`,
        'url.path': route,
        'http.route': route,
        'http.response.status_code': 200,
      },
    });
    span.end();
    this.requests++;
    if (route === '/orders') this.orders++;
  }
}
