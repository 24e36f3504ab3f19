import * as assert from 'assert';
import { detectSdk } from '../../../src/core/snippets';

describe('detectSdk', () => {
  it('recognises OpenCensus, the OpenTelemetry distro and plain OpenTelemetry imports', () => {
    assert.strictEqual(detectSdk('from opencensus.ext.azure.log_exporter import AzureLogHandler\n'), 'opencensus');
    assert.strictEqual(detectSdk('import opencensus.trace.tracer as t\n'), 'opencensus');
    assert.strictEqual(detectSdk('from azure.monitor.opentelemetry import configure_azure_monitor\n'), 'opentelemetry');
    assert.strictEqual(detectSdk('from opentelemetry import trace\n'), 'opentelemetry');
    assert.strictEqual(detectSdk('from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter\n'), 'opentelemetry');
  });

  it('reports both, or none', () => {
    assert.strictEqual(detectSdk('import opencensus\nfrom opentelemetry import metrics\n'), 'both');
    assert.strictEqual(detectSdk('import os\nprint("opencensus")\n'), 'none');
    assert.strictEqual(detectSdk(''), 'none');
  });

  it('sees imports inside functions, but not in strings or comments', () => {
    assert.strictEqual(detectSdk('def setup():\n    from opencensus.trace.tracer import Tracer\n'), 'opencensus');
    assert.strictEqual(detectSdk('# from opencensus.trace.tracer import Tracer\nx = """\nimport opentelemetry\n"""\n'), 'none');
  });
});
