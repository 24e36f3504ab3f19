import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  FRAMEWORKS_BY_SDK,
  planSetupInsertion,
  SetupSelection,
  SetupSignal,
  setupPackages,
  setupSnippetIds,
} from '../../../src/core/setup/setupPlan';
import { findSnippet } from '../../../src/core/snippets';
import { applyTextEdits } from '../../../src/core/snippets/textEdits';
import { assertCompiles, SECRET_PATTERNS } from '../snippets/pythonCompile';

const SAMPLE_APP = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'samples', 'python-app', 'app.py'), 'utf8');
const SIGNAL_SETS: readonly (readonly SetupSignal[])[] = [[], ['traces'], ['metrics'], ['logs'], ['traces', 'metrics', 'logs']];

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

describe('setup plan (Set Up Python Monitoring)', () => {
  it('chooses the framework integration first, then one snippet per signal', () => {
    assert.deepStrictEqual(setupSnippetIds({ sdk: 'opentelemetry', signals: ['traces', 'metrics', 'logs'], framework: 'flask' }), [
      'otel-flask',
      'otel-traces',
      'otel-metrics',
      'otel-logs',
    ]);
    assert.deepStrictEqual(setupSnippetIds({ sdk: 'opencensus', signals: ['logs', 'traces'], framework: 'none' }), [
      'opencensus-traces',
      'opencensus-logs',
    ]);
    // FlaskMiddleware already creates the tracer: no second one.
    assert.deepStrictEqual(setupSnippetIds({ sdk: 'opencensus', signals: ['traces'], framework: 'flask' }), ['opencensus-flask']);
    assert.deepStrictEqual(setupSnippetIds({ sdk: 'opentelemetry', signals: [], framework: 'none' }), ['otel-configure']);
  });

  it('refuses a framework the SDK has no integration for', () => {
    assert.throws(() => setupSnippetIds({ sdk: 'opencensus', signals: ['traces'], framework: 'fastapi' }), /no fastapi integration/);
  });

  it('every chosen id exists in the snippet catalogue', () => {
    for (const sdk of ['opentelemetry', 'opencensus'] as const) {
      for (const framework of FRAMEWORKS_BY_SDK[sdk]) {
        for (const signals of SIGNAL_SETS) {
          for (const id of setupSnippetIds({ sdk, signals, framework })) {
            assert.ok(findSnippet(id), `${id} (${sdk}/${framework}/${signals.join('+')}) is in the catalogue`);
          }
        }
      }
    }
  });

  it('packages: the union of the snippets, once each', () => {
    assert.deepStrictEqual(setupPackages({ sdk: 'opentelemetry', signals: ['traces', 'logs'], framework: 'fastapi' }), [
      'azure-monitor-opentelemetry',
      'fastapi',
      'uvicorn',
    ]);
    assert.deepStrictEqual(setupPackages({ sdk: 'opencensus', signals: ['metrics', 'logs'], framework: 'none' }), ['opencensus-ext-azure']);
  });

  describe('inserting into the sample app: valid Python, no secret, shared setup once, idempotent', () => {
    for (const sdk of ['opentelemetry', 'opencensus'] as const) {
      for (const framework of FRAMEWORKS_BY_SDK[sdk]) {
        for (const signals of SIGNAL_SETS) {
          const selection: SetupSelection = { sdk, signals, framework };
          it(`${sdk} / ${framework} / ${signals.join('+') || 'no signal'}`, () => {
            const planned = planSetupInsertion(SAMPLE_APP, selection);
            assert.strictEqual(planned.unchanged, false);
            let replayed = SAMPLE_APP;
            for (const step of planned.steps) replayed = applyTextEdits(replayed, step.edits);
            assert.strictEqual(replayed, planned.resultText, 'the steps, applied in order, give the result');
            assertCompiles(planned.resultText, `setup-${sdk}-${framework}-${signals.join('_')}.py`);
            const code = planned.resultText.replace(/#.*$/gm, ''); // comments may say "do not pass connection_string="
            for (const pattern of SECRET_PATTERNS) assert.doesNotMatch(code, pattern);
            if (sdk === 'opentelemetry') assert.strictEqual(count(planned.resultText, 'configure_azure_monitor()\n'), 1, 'configured once');
            assert.ok(planned.resultText.includes('def handle_order'), 'the user code is kept');
            const again = planSetupInsertion(planned.resultText, selection);
            assert.strictEqual(again.unchanged, true, 'running setup twice changes nothing');
          });
        }
      }
    }
  });
});
