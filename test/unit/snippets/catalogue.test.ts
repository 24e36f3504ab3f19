import * as assert from 'assert';
import { listSnippets, renderStandalone, SNIPPETS } from '../../../src/core/snippets';
import { assertCompiles, pythonCompileError, SECRET_PATTERNS } from './pythonCompile';

const SDKS = ['opentelemetry', 'opencensus', 'otlp'];
const SDK_PACKAGE: Record<string, string> = {
  opencensus: 'opencensus-ext-azure',
  opentelemetry: 'azure-monitor-opentelemetry',
  otlp: 'opentelemetry-exporter-otlp-proto-http',
};
const SIGNALS = ['traces', 'metrics', 'logs', 'all'];
const FRAMEWORKS = ['none', 'flask', 'django', 'fastapi', 'requests', 'psycopg2', 'mysql', 'postgresql'];

describe('snippet catalogue', () => {
  it('has unique kebab-case ids and valid sdk/signal/framework values', () => {
    const ids = SNIPPETS.map((s) => s.id);
    assert.strictEqual(new Set(ids).size, ids.length, 'duplicate ids');
    for (const snippet of SNIPPETS) {
      assert.match(snippet.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, snippet.id);
      assert.ok(SDKS.includes(snippet.sdk), `${snippet.id}: sdk ${snippet.sdk}`);
      assert.ok(SIGNALS.includes(snippet.signal), `${snippet.id}: signal ${snippet.signal}`);
      assert.ok(FRAMEWORKS.includes(snippet.framework), `${snippet.id}: framework ${snippet.framework}`);
      assert.ok(snippet.title && snippet.description, `${snippet.id}: title/description`);
      assert.ok(snippet.packages.includes(SDK_PACKAGE[snippet.sdk]), `${snippet.id}: packages`);
    }
  });

  it('covers every signal and integration the guide and the distro document', () => {
    const has = (sdk: string, signal: string, framework: string) =>
      SNIPPETS.some((s) => s.sdk === sdk && s.signal === signal && s.framework === framework);
    for (const signal of ['traces', 'metrics', 'logs']) {
      assert.ok(has('opencensus', signal, 'none'), `opencensus ${signal}`);
      assert.ok(has('opentelemetry', signal, 'none'), `opentelemetry ${signal}`);
    }
    assert.ok(has('opentelemetry', 'all', 'none'), 'configure_azure_monitor');
    for (const framework of ['flask', 'django', 'requests', 'mysql', 'postgresql']) {
      assert.ok(has('opencensus', 'traces', framework), `opencensus ${framework}`);
    }
    for (const framework of ['flask', 'django', 'fastapi', 'psycopg2', 'requests']) {
      assert.ok(has('opentelemetry', 'traces', framework), `opentelemetry ${framework}`);
    }
  });

  describe('standalone rendering', () => {
    for (const snippet of SNIPPETS) {
      it(`${snippet.id}: compiles with python3 and contains no key or connection string`, () => {
        const text = renderStandalone(snippet.id);
        assertCompiles(text, `${snippet.id}.py`);
        // Comments may say "do not pass connection_string="; the code must not do it.
        const code = text.replace(/#.*$/gm, '');
        for (const pattern of SECRET_PATTERNS) {
          assert.doesNotMatch(code, pattern, `${snippet.id} matches ${pattern}`);
        }
        for (const line of [...snippet.imports, ...(snippet.exampleImports ?? [])]) {
          assert.ok(text.includes(`${line}\n`), `${snippet.id}: missing import ${line}`);
        }
        assert.ok(text.includes(snippet.setup), `${snippet.id}: setup not included verbatim`);
      });
    }

    it("the compile check can fail (a snippet with the guide's stray parenthesis is rejected)", () => {
      const broken = "tracer = Tracer(exporter=AzureExporter(connection_string='x')), sampler=ProbabilitySampler(1.0))\n";
      assert.ok(pythonCompileError(broken) !== undefined);
    });

    it('adds an entry point only where the snippet has one', () => {
      assert.match(renderStandalone('otel-traces'), /\nif __name__ == "__main__":\n {4}main\(\)\n$/);
      assert.doesNotMatch(renderStandalone('otel-django'), /__main__/);
      assert.doesNotMatch(renderStandalone('opencensus-django'), /__main__/);
    });

    it('throws for an unknown id', () => {
      assert.throws(() => renderStandalone('nope'), /Unknown snippet "nope"/);
    });
  });

  describe("the guide's OpenCensus patterns, fixed", () => {
    it('traces: Tracer with AzureExporter() and ProbabilitySampler(1.0)', () => {
      assert.match(
        renderStandalone('opencensus-traces'),
        /tracer = Tracer\(exporter=AzureExporter\(\), sampler=ProbabilitySampler\(1\.0\)\)/,
      );
    });
    it('metrics: a measure, a CountAggregation view and new_metrics_exporter() registered on the view manager', () => {
      const text = renderStandalone('opencensus-metrics');
      assert.match(text, /measure_module\.MeasureInt\(/);
      assert.match(text, /aggregation_module\.CountAggregation\(\)/);
      assert.match(text, /view_manager\.register_view\(prompt_view\)/);
      assert.match(text, /exporter = metrics_exporter\.new_metrics_exporter\(\)\nview_manager\.register_exporter\(exporter\)/);
    });
    it('logs: AzureLogHandler() and a level low enough for INFO', () => {
      const text = renderStandalone('opencensus-logs');
      assert.match(text, /logger\.addHandler\(AzureLogHandler\(\)\)/);
      assert.match(text, /logger\.setLevel\(logging\.INFO\)/);
    });
    it('integrations: Flask middleware, Django settings, requests/mysql/postgresql trace integrations', () => {
      assert.match(renderStandalone('opencensus-flask'), /FlaskMiddleware\(app, exporter=AzureExporter\(\)/);
      const django = renderStandalone('opencensus-django');
      assert.match(django, /"opencensus\.ext\.django\.middleware\.OpencensusMiddleware"/);
      assert.match(django, /OPENCENSUS = \{\n {4}"TRACE": \{/);
      assert.match(renderStandalone('opencensus-requests'), /config_integration\.trace_integrations\(\["requests"\]\)/);
      assert.match(renderStandalone('opencensus-mysql'), /trace_integrations\(\["mysql"\]\)/);
      assert.match(renderStandalone('opencensus-postgresql'), /trace_integrations\(\["postgresql"\]\)/);
    });
  });

  describe('plain OTLP export', () => {
    it('sets up all three OTLP/HTTP exporters and leaves endpoint and key to the environment', () => {
      const code = renderStandalone('otlp-export');
      for (const exporter of ['OTLPSpanExporter()', 'OTLPMetricExporter()', 'OTLPLogExporter()']) {
        assert.ok(code.includes(exporter), exporter);
      }
      assert.doesNotMatch(code, /endpoint=|headers=|configure_azure_monitor|127\.0\.0\.1/);
      assert.match(code, /OTEL_EXPORTER_OTLP_ENDPOINT/);
    });
  });

  describe('the OpenTelemetry distro', () => {
    it('every template calls configure_azure_monitor() without arguments', () => {
      for (const snippet of listSnippets({ sdk: 'opentelemetry' })) {
        assert.match(snippet.setup, /^configure_azure_monitor\(\)$/m, snippet.id);
      }
    });
    it('manual spans, a counter, a histogram, and INFO logging', () => {
      assert.match(
        renderStandalone('otel-traces'),
        /tracer = trace\.get_tracer\(__name__\)[\s\S]*tracer\.start_as_current_span\("say_hello"\)/,
      );
      const metrics = renderStandalone('otel-metrics');
      assert.match(metrics, /meter = metrics\.get_meter\(__name__\)/);
      assert.match(metrics, /meter\.create_counter\(/);
      assert.match(metrics, /meter\.create_histogram\(/);
      assert.match(
        renderStandalone('otel-logs'),
        /configure_azure_monitor\(\)\nlogger = logging\.getLogger\(__name__\)\n.*\nlogger\.setLevel\(logging\.INFO\)/,
      );
    });
    it('what Set Up inserts (the setup alone, without the example) uses every object it creates', () => {
      for (const snippet of listSnippets({ sdk: 'opentelemetry' })) {
        for (const [, name] of snippet.setup.matchAll(/^(\w+) = /gm)) {
          const uses = snippet.setup.match(new RegExp(`\\b${name}\\b`, 'g'))?.length ?? 0;
          // A web framework's app object is what the user's routes use (and WSGI servers load).
          assert.ok(
            uses >= 2 || (['app', 'application'].includes(name) && snippet.framework !== 'none'),
            `${snippet.id}: ${name} is created but never used`,
          );
        }
      }
    });
    it('web apps are created after configure_azure_monitor(); an app created earlier uses the explicit instrumentor', () => {
      assert.match(renderStandalone('otel-flask'), /configure_azure_monitor\(\)\napp = Flask\(__name__\)/);
      assert.match(renderStandalone('otel-fastapi'), /configure_azure_monitor\(\)\napp = FastAPI\(\)/);
      assert.match(renderStandalone('otel-django'), /configure_azure_monitor\(\)\napplication = get_wsgi_application\(\)/);
      assert.match(renderStandalone('otel-fastapi-instrumentor'), /FastAPIInstrumentor\.instrument_app\(app\)/);
    });
  });

  describe('listSnippets', () => {
    it('filters by sdk, signal and framework', () => {
      assert.strictEqual(listSnippets().length, SNIPPETS.length);
      assert.ok(listSnippets({ sdk: 'opencensus' }).every((s) => s.sdk === 'opencensus'));
      assert.deepStrictEqual(
        listSnippets({ sdk: 'opentelemetry', framework: 'fastapi' }).map((s) => s.id),
        ['otel-fastapi', 'otel-fastapi-instrumentor'],
      );
      assert.deepStrictEqual(
        listSnippets({ sdk: 'opencensus', signal: 'logs' }).map((s) => s.id),
        ['opencensus-logs'],
      );
      assert.deepStrictEqual(listSnippets({ framework: 'mysql', sdk: 'opentelemetry' }), []);
    });
  });
});
