import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { conflictingInstrumentation, detectInstrumentation, planSdkRemoval } from '../../../src/core/setup/existingInstrumentation';
import { planSetupInsertion, SetupSelection } from '../../../src/core/setup/setupPlan';
import { assertCompiles } from '../snippets/pythonCompile';

const SAMPLE_APP = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'samples', 'python-app', 'app.py'), 'utf8');
const ALL_SIGNALS: SetupSelection['signals'] = ['traces', 'metrics', 'logs'];

function setUp(text: string, selection: SetupSelection): string {
  return planSetupInsertion(text, selection).resultText;
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))?.length ?? 0;
}

describe('existing instrumentation (Set Up on an instrumented file)', () => {
  it('detects OpenCensus, the distro, the exporter and plain OTLP by their imports, nested ones too', () => {
    assert.deepStrictEqual(detectInstrumentation(SAMPLE_APP), []);
    assert.deepStrictEqual(detectInstrumentation(setUp(SAMPLE_APP, { sdk: 'opencensus', signals: ALL_SIGNALS, framework: 'none' })), [
      'opencensus',
    ]);
    assert.deepStrictEqual(detectInstrumentation(setUp(SAMPLE_APP, { sdk: 'opentelemetry', signals: ['logs'], framework: 'none' })), [
      'distro',
    ]);
    assert.deepStrictEqual(
      detectInstrumentation('def main():\n    from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter\n'),
      ['exporter'],
    );
    assert.deepStrictEqual(detectInstrumentation('from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter\n'), [
      'otlp',
    ]);
    assert.deepStrictEqual(detectInstrumentation('from opentelemetry import trace\n'), [], 'the API alone sets nothing up');
  });

  it('a conflict is another SDK than the chosen one; the same SDK again is no conflict', () => {
    const openCensus = setUp(SAMPLE_APP, { sdk: 'opencensus', signals: ALL_SIGNALS, framework: 'none' });
    assert.deepStrictEqual(conflictingInstrumentation(openCensus, 'opentelemetry'), ['opencensus']);
    assert.deepStrictEqual(conflictingInstrumentation(openCensus, 'opencensus'), []);
    const distro = setUp(SAMPLE_APP, { sdk: 'opentelemetry', signals: ALL_SIGNALS, framework: 'none' });
    assert.deepStrictEqual(conflictingInstrumentation(distro, 'opencensus'), ['distro']);
  });

  it("replace OpenCensus with the distro: the old set-up goes, the user's code stays, one tracer, valid Python", () => {
    const openCensus = setUp(SAMPLE_APP, { sdk: 'opencensus', signals: ALL_SIGNALS, framework: 'none' });
    const removal = planSdkRemoval(openCensus, 'opencensus');
    assert.ok(removal.removedStatements > 5, `${removal.removedStatements} statements removed`);
    assert.strictEqual(removal.stillUsed, false);
    assert.ok(
      !/opencensus|AzureExporter|AzureLogHandler|view_manager|stats_recorder|ProbabilitySampler/.test(removal.resultText),
      removal.resultText,
    );
    assert.ok(!removal.resultText.includes('AzureExporter() reads'), "the snippet's comments go with it");
    assert.ok(removal.resultText.includes('def handle_order'), 'user code kept');
    assert.match(
      removal.resultText,
      /^logger = logging\.getLogger\(__name__\)$/m,
      'a statement the user had (and the distro uses too) stays',
    );
    assert.ok(!/\n\n\n\n/.test(removal.resultText), 'no growing gaps');
    assertCompiles(removal.resultText, 'removed.py');

    const replaced = setUp(removal.resultText, { sdk: 'opentelemetry', signals: ALL_SIGNALS, framework: 'none' });
    assert.strictEqual(count(replaced, /^tracer = /m), 1, replaced);
    assert.strictEqual(count(replaced, /^logger = logging\.getLogger/m), 1);
    assert.deepStrictEqual(detectInstrumentation(replaced), ['distro']);
    assertCompiles(replaced, 'replaced.py');
  });

  it("replace the distro with OpenCensus: configure_azure_monitor and its helpers go, Flask's app stays", () => {
    const distro = setUp(SAMPLE_APP, { sdk: 'opentelemetry', signals: ALL_SIGNALS, framework: 'flask' });
    const removal = planSdkRemoval(distro, 'distro');
    assert.ok(
      !/configure_azure_monitor|get_tracer|get_meter|def say_hello|def record_request|from opentelemetry/.test(removal.resultText),
      removal.resultText,
    );
    assert.match(removal.resultText, /^app = Flask\(__name__\)$/m);
    assert.match(removal.resultText, /^from flask import Flask$/m);
    assertCompiles(removal.resultText, 'removed-distro.py');
    const replaced = setUp(removal.resultText, { sdk: 'opencensus', signals: ALL_SIGNALS, framework: 'flask' });
    assert.strictEqual(count(replaced, /^app = Flask\(/m), 1);
    assert.deepStrictEqual(detectInstrumentation(replaced), ['opencensus']);
    assertCompiles(replaced, 'replaced-oc.py');
  });

  it("keeps an SDK import the user's own code still uses, and says the SDK is still used", () => {
    const text =
      setUp(SAMPLE_APP, { sdk: 'opencensus', signals: ['traces'], framework: 'none' }) +
      '\n\ndef work():\n    with Tracer().span(name="mine"):\n        pass\n';
    const removal = planSdkRemoval(text, 'opencensus');
    assert.match(removal.resultText, /^from opencensus\.trace\.tracer import Tracer$/m);
    assert.ok(!/^tracer = Tracer/m.test(removal.resultText));
    assert.strictEqual(removal.stillUsed, true);
  });

  it('removes nothing for a hand-wired exporter (Set Up never inserts it) and nothing from a clean file', () => {
    const text = 'from azure.monitor.opentelemetry.exporter import AzureMonitorTraceExporter\nexporter = AzureMonitorTraceExporter()\n';
    assert.strictEqual(planSdkRemoval(text, 'exporter').edits.length, 0);
    assert.strictEqual(planSdkRemoval(SAMPLE_APP, 'opencensus').edits.length, 0);
  });

  it("takes out the Django OPENCENSUS settings, not the user's MIDDLEWARE list", () => {
    const settings = 'MIDDLEWARE = [\n    "django.middleware.common.CommonMiddleware",\n]\n';
    const instrumented = setUp(settings, { sdk: 'opencensus', signals: ['traces'], framework: 'django' });
    const removal = planSdkRemoval(instrumented, 'opencensus');
    assert.strictEqual(removal.resultText.trim(), settings.trim());
  });
});
