import * as assert from 'assert';
import { listSnippets, renderStandalone } from '../../../src/core/snippets';
import { migrateOpenCensusToOpenTelemetry } from '../../../src/server/migration/openCensusToOpenTelemetry';
import { DIAGNOSTIC_CODES as C } from '../../../src/shared/serverProtocol';
import { assertCompiles } from '../snippets/pythonCompile';
import { codesOf, lines, testParser } from './pythonSamples';

async function migrate(text: string): Promise<{ text: string; usesOpenCensus: boolean }> {
  const tree = (await testParser()).parse(text);
  try {
    return migrateOpenCensusToOpenTelemetry(tree, text);
  } finally {
    tree.delete();
  }
}

const GUIDE_KEY = "connection_string='InstrumentationKey=00000000-0000-0000-0000-000000000000'";

/** The three samples of Microsoft's 2019 guide, with their stray parentheses fixed. */
const GUIDE_TRACES = lines(
  'from opencensus.ext.azure.trace_exporter import AzureExporter',
  'from opencensus.trace.samplers import ProbabilitySampler',
  'from opencensus.trace.tracer import Tracer',
  '',
  'tracer = Tracer(',
  '    exporter=AzureExporter(',
  `        ${GUIDE_KEY}),`,
  '    sampler=ProbabilitySampler(0.5),',
  ')',
  '',
  'def valuePrompt():',
  '    with tracer.span(name="test") as span:',
  '        span.add_attribute("source", "prompt")',
  '        line = input("Enter a value: ")',
  '        print(line)',
  '',
  'def main():',
  '    while True:',
  '        valuePrompt()',
  '',
  'if __name__ == "__main__":',
  '    main()',
);

const GUIDE_METRICS = lines(
  'from datetime import datetime',
  'from opencensus.ext.azure import metrics_exporter',
  'from opencensus.stats import aggregation as aggregation_module',
  'from opencensus.stats import measure as measure_module',
  'from opencensus.stats import stats as stats_module',
  'from opencensus.stats import view as view_module',
  'from opencensus.tags import tag_map as tag_map_module',
  '',
  'stats = stats_module.stats',
  'view_manager = stats.view_manager',
  'stats_recorder = stats.stats_recorder',
  '',
  'prompt_measure = measure_module.MeasureInt("prompts",',
  '                                           "number of prompts",',
  '                                           "prompts")',
  'latency_measure = measure_module.MeasureFloat("latency", "request latency", "ms")',
  'prompt_view = view_module.View("prompt view",',
  '                               "number of prompts",',
  '                               [],',
  '                               prompt_measure,',
  '                               aggregation_module.CountAggregation())',
  'latency_view = view_module.View("latency", "latency", [], latency_measure, aggregation_module.DistributionAggregation([10, 100]))',
  'view_manager.register_view(prompt_view)',
  'view_manager.register_view(latency_view)',
  'mmap = stats_recorder.new_measurement_map()',
  'tmap = tag_map_module.TagMap()',
  '',
  'exporter = metrics_exporter.new_metrics_exporter(',
  `    ${GUIDE_KEY})`,
  'view_manager.register_exporter(exporter)',
  '',
  'def prompt():',
  '    input("Press enter.")',
  '    mmap.measure_int_put(prompt_measure, 1)',
  '    mmap.measure_float_put(latency_measure, 12.5)',
  '    mmap.record(tmap)',
  '    print(datetime.utcnow())',
  '',
  'def main():',
  '    while True:',
  '        prompt()',
  '',
  'if __name__ == "__main__":',
  '    main()',
);

const GUIDE_LOGS = lines(
  'import logging',
  'from opencensus.ext.azure.log_exporter import AzureLogHandler',
  '',
  'logger = logging.getLogger(__name__)',
  `logger.addHandler(AzureLogHandler(${GUIDE_KEY}))`,
  '',
  'def valuePrompt():',
  '    line = input("Enter a value: ")',
  '    logger.warning(line)',
  '',
  'def main():',
  '    while True:',
  '        valuePrompt()',
  '',
  'if __name__ == "__main__":',
  '    main()',
);

async function assertCleanMigration(source: string): Promise<string> {
  const result = await migrate(source);
  assert.strictEqual(result.usesOpenCensus, true);
  assertCompiles(result.text);
  // Comments and the docstring may name OpenCensus (what to uninstall, what the file was); the code must not use it.
  assert.doesNotMatch(
    result.text.replace(/#.*$/gm, '').replace(/^"""[^]*?"""/, ''),
    /opencensus|AzureExporter|AzureLogHandler|InstrumentationKey/i,
  );
  const codes = await codesOf(result.text);
  for (const code of [C.openCensusRetired, C.hardCodedConnectionString, C.connectionStringArgument, C.configureAfterAppCreated]) {
    assert.ok(!codes.includes(code), `${code} after migration:\n${result.text}`);
  }
  return result.text;
}

describe('OpenCensus → OpenTelemetry migration', () => {
  it("the guide's traces sample: configure_azure_monitor(sampling_ratio), a tracer, start_as_current_span, set_attribute", async () => {
    const text = await assertCleanMigration(GUIDE_TRACES);
    assert.ok(text.startsWith('from azure.monitor.opentelemetry import configure_azure_monitor\nfrom opentelemetry import trace\n'), text);
    assert.match(text, /^configure_azure_monitor\(sampling_ratio=0\.5\)$/m);
    assert.match(text, /^tracer = trace\.get_tracer\(__name__\)$/m);
    assert.match(text, /with tracer\.start_as_current_span\(name="test"\) as span:\n {8}span\.set_attribute\("source", "prompt"\)/);
  });

  it("the guide's metrics sample: a meter, a counter and a histogram, measurements recorded directly", async () => {
    const text = await assertCleanMigration(GUIDE_METRICS);
    assert.match(text, /^meter = metrics\.get_meter\(__name__\)$/m);
    assert.match(text, /^prompt_measure = meter\.create_counter\("prompts", unit="prompts", description="number of prompts"\)$/m);
    assert.match(text, /^latency_measure = meter\.create_histogram\("latency", unit="ms", description="request latency"\)$/m);
    assert.match(text, /^ {4}prompt_measure\.add\(1\)\n {4}latency_measure\.record\(12\.5\)\n {4}print/m);
    assert.doesNotMatch(text, /view_manager|stats_recorder|mmap|tmap|exporter/);
    assert.ok(text.indexOf('meter = metrics.get_meter') < text.indexOf('prompt_measure ='));
  });

  it("the guide's logs sample: the handler goes, configure_azure_monitor() exports logging", async () => {
    const text = await assertCleanMigration(GUIDE_LOGS);
    assert.match(text, /^import logging\nfrom azure\.monitor\.opentelemetry import configure_azure_monitor\n/);
    assert.match(text, /^logger = logging\.getLogger\(__name__\)$/m);
    assert.doesNotMatch(text, /addHandler/);
  });

  for (const snippet of listSnippets({ sdk: 'opencensus' })) {
    it(`our ${snippet.id} snippet migrates to valid, OpenCensus-free Python`, async () => {
      await assertCleanMigration(renderStandalone(snippet.id));
    });
  }

  it('integrations: the distro covers requests/postgresql; mysql gets its explicit instrumentor; unknown ones a TODO', async () => {
    const text = await assertCleanMigration(
      lines(
        'from opencensus.trace import config_integration',
        'config_integration.trace_integrations(["requests", "mysql", "redis"])',
        'print(1)',
      ),
    );
    assert.match(text, /^from opentelemetry\.instrumentation\.mysql import MySQLInstrumentor$/m);
    assert.match(text, /^MySQLInstrumentor\(\)\.instrument\(\)\n# TODO: OpenCensus traced "redis"/m);
    assert.doesNotMatch(text, /requests/);
  });

  it('Flask: the middleware goes and configure_azure_monitor() comes before the app', async () => {
    const text = await assertCleanMigration(
      lines(
        'from flask import Flask',
        'from opencensus.ext.azure.trace_exporter import AzureExporter',
        'from opencensus.ext.flask.flask_middleware import FlaskMiddleware',
        '',
        'app = Flask(__name__)',
        `middleware = FlaskMiddleware(app, exporter=AzureExporter(${GUIDE_KEY}))`,
      ),
    );
    assert.ok(text.indexOf('configure_azure_monitor()') < text.indexOf('app = Flask(__name__)'));
    assert.doesNotMatch(text, /middleware/);
  });

  it('a block emptied by the migration gets `pass`; CRLF is kept', async () => {
    const source = lines(
      'from opencensus.ext.azure.log_exporter import AzureLogHandler',
      'import logging',
      '',
      'def setup(logger):',
      '    logger.addHandler(AzureLogHandler())',
      '',
      'setup(logging.getLogger())',
    ).replace(/\n/g, '\r\n');
    const text = await assertCleanMigration(source);
    assert.match(text, /def setup\(logger\):\r\n {4}pass\r\n/);
    assert.strictEqual(text.replace(/\r\n/g, '').includes('\n'), false);
  });

  it('Django settings: the middleware entry and OPENCENSUS go, no configure call is added there', async () => {
    const source = lines(
      'MIDDLEWARE = [',
      '    "django.middleware.common.CommonMiddleware",',
      '    "opencensus.ext.django.middleware.OpencensusMiddleware",',
      ']',
      'OPENCENSUS = {"TRACE": {"EXPORTER": "opencensus.ext.azure.trace_exporter.AzureExporter()"}}',
    );
    const result = await migrate(source);
    assert.strictEqual(result.usesOpenCensus, true);
    assertCompiles(result.text);
    assert.strictEqual(
      result.text,
      lines(
        'MIDDLEWARE = [',
        '    "django.middleware.common.CommonMiddleware",',
        ']',
        '# Azure Monitor: call configure_azure_monitor() in manage.py or wsgi.py instead (the distro instruments Django).',
      ),
    );
  });

  it('a file without OpenCensus comes back unchanged', async () => {
    const source = lines('from azure.monitor.opentelemetry import configure_azure_monitor', 'configure_azure_monitor()');
    assert.deepStrictEqual(await migrate(source), { text: source, usesOpenCensus: false });
  });
});
