import * as assert from 'assert';
import { applyTextEdits, planInsertion, SNIPPETS } from '../../../src/core/snippets';
import { assertCompiles } from './pythonCompile';

function insert(text: string, id: string): string {
  return applyTextEdits(text, planInsertion(text, id).edits);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

const BASE_FILES: Readonly<Record<string, string>> = {
  empty: '',
  'docstring only': '"""My app."""\n',
  'no trailing newline': 'import os\nprint(os.getcwd())',
  'flask app': 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n',
  'header, future, code':
    '#!/usr/bin/env python3\n# -*- coding: utf-8 -*-\n"""Tool."""\nfrom __future__ import annotations\n\nimport sys\n\n\ndef main() -> int:\n    return 0\n\n\nif __name__ == "__main__":\n    sys.exit(main())\n',
  'django settings': 'import os\n\nDEBUG = True\nMIDDLEWARE = [\n    "django.middleware.common.CommonMiddleware",\n]\n',
};

describe('planInsertion', () => {
  describe('every snippet into every kind of file', () => {
    for (const snippet of SNIPPETS) {
      for (const [name, base] of Object.entries(BASE_FILES)) {
        if (snippet.placement === 'end-of-file' && name !== 'django settings') {
          continue; // MIDDLEWARE += … needs a settings module
        }
        it(`${snippet.id} into "${name}": valid Python, imports once, idempotent`, () => {
          const once = insert(base, snippet.id);
          assertCompiles(once, `${snippet.id}-${name}.py`);
          for (const line of snippet.imports) {
            assert.ok(count(once, `${line}\n`) + count(once, `${line}\r\n`) <= 1, `${line} duplicated`);
          }
          assert.deepStrictEqual(planInsertion(once, snippet.id).edits, [], 'planning again must give no edits');
          assert.strictEqual(insert(once, snippet.id), once);
        });
      }
    }
  });

  it('an empty file gets the imports, a blank line, then the setup', () => {
    assert.strictEqual(
      insert('', 'otel-traces'),
      'from azure.monitor.opentelemetry import configure_azure_monitor\nfrom opentelemetry import trace\n\n' +
        '# configure_azure_monitor() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment;\n' +
        '# do not pass connection_string= here (it would override the variable).\n' +
        'configure_azure_monitor()\ntracer = trace.get_tracer(__name__)\n\n\n' +
        'def say_hello(name):\n' +
        "    # One span per unit of work: it shows in Live Telemetry and in the portal's transaction view.\n" +
        '    with tracer.start_as_current_span("say_hello") as span:\n' +
        '        span.set_attribute("greeting.name", name)\n' +
        '        print(f"Hello, {name}!")\n',
    );
  });

  it('imports go after the shebang, encoding line, docstring and from __future__ imports, joining the import block', () => {
    const result = insert(BASE_FILES['header, future, code'], 'opencensus-logs');
    const lines = result.split('\n');
    assert.deepStrictEqual(lines.slice(0, 8), [
      '#!/usr/bin/env python3',
      '# -*- coding: utf-8 -*-',
      '"""Tool."""',
      'from __future__ import annotations',
      '',
      'import sys',
      'import logging',
      'from opencensus.ext.azure.log_exporter import AzureLogHandler',
    ]);
    assert.ok(result.indexOf('logger.addHandler(AzureLogHandler())') < result.indexOf('def main()'));
  });

  it('a file with a docstring and no imports gets a blank line after the docstring', () => {
    assert.match(
      insert('"""Doc."""\nx = 1\n', 'otel-configure'),
      /^"""Doc\."""\n\nfrom azure\.monitor\.opentelemetry import configure_azure_monitor\n\n#[^\n]*\n#[^\n]*\nconfigure_azure_monitor\(\)\n\nx = 1\n$/,
    );
  });

  it('a licence comment block at the top stays above the imports', () => {
    const result = insert('# Copyright Contoso.\n# MIT licence.\n\nx = 1\n', 'otel-configure');
    assert.match(result, /^# Copyright Contoso\.\n# MIT licence\.\n\nfrom azure/);
  });

  it('does not duplicate imports that are already there, in any spelling', () => {
    const text = [
      'import logging',
      'from azure.monitor.opentelemetry import (',
      '    configure_azure_monitor,  # the distro',
      ')',
      '',
    ].join('\n');
    const plan = planInsertion(text, 'otel-logs');
    assert.deepStrictEqual(plan.addedImports, []);
    const aliased = planInsertion('import opentelemetry.trace as trace\nfrom azure.monitor.opentelemetry import *\n', 'otel-traces');
    assert.deepStrictEqual(aliased.addedImports, []);
  });

  it('an alias does not count as the plain name: `import logging as log` still needs `import logging`', () => {
    const plan = planInsertion('import logging as log\nfrom opentelemetry import trace as otel_trace\n', 'otel-logs');
    assert.deepStrictEqual(plan.addedImports, ['import logging', 'from azure.monitor.opentelemetry import configure_azure_monitor']);
    assert.deepStrictEqual(planInsertion('import logging as log\n', 'otel-traces').addedImports, [
      'from azure.monitor.opentelemetry import configure_azure_monitor',
      'from opentelemetry import trace',
    ]);
    assert.deepStrictEqual(planInsertion('from opentelemetry import trace as otel_trace\n', 'otel-traces').addedImports, [
      'from azure.monitor.opentelemetry import configure_azure_monitor',
      'from opentelemetry import trace',
    ]);
  });

  it('multi-line parenthesised and backslash-continued imports are recognised', () => {
    const text = [
      'from opencensus.trace.samplers import (',
      '    AlwaysOnSampler,',
      '    ProbabilitySampler,  # keep',
      ')',
      'from opencensus.trace.tracer import \\',
      '    Tracer',
      '',
    ].join('\n');
    const plan = planInsertion(text, 'opencensus-traces');
    assert.deepStrictEqual(plan.addedImports, ['from opencensus.ext.azure.trace_exporter import AzureExporter']);
    assertCompiles(applyTextEdits(text, plan.edits));
  });

  it('adds only the missing names of a partly imported module', () => {
    const text = 'from opencensus.stats import measure as measure_module, view as view_module\nimport time\n';
    const plan = planInsertion(text, 'opencensus-metrics');
    assert.deepStrictEqual(plan.addedImports, [
      'from opencensus.ext.azure import metrics_exporter',
      'from opencensus.stats import aggregation as aggregation_module',
      'from opencensus.stats import stats as stats_module',
      'from opencensus.tags import tag_map as tag_map_module',
    ]);
  });

  it("imports inside strings or functions are not the file's imports", () => {
    const text = '"""Usage:\n\nfrom opentelemetry import trace\n"""\n\n\ndef f():\n    from opentelemetry import trace\n    return trace\n';
    assert.deepStrictEqual(planInsertion(text, 'otel-traces').addedImports, [
      'from azure.monitor.opentelemetry import configure_azure_monitor',
      'from opentelemetry import trace',
    ]);
  });

  it('the setup goes after the last top-level import, even one after other code', () => {
    const text = 'import os\n\nos.environ.setdefault("A", "b")\nimport json\n\nprint(json.dumps({}))\n';
    const result = insert(text, 'otel-configure');
    assert.ok(result.indexOf('configure_azure_monitor()\n') > result.indexOf('import json'));
    assert.ok(result.indexOf('configure_azure_monitor()\n') < result.indexOf('print('));
    assert.ok(result.indexOf('from azure.monitor') < result.indexOf('os.environ'), 'new imports join the leading import block');
  });

  it('reuses an existing app object: the Flask middleware goes after it, the app is not created twice', () => {
    const result = insert(BASE_FILES['flask app'], 'opencensus-flask');
    assert.strictEqual(count(result, 'Flask(__name__)'), 1);
    assert.ok(result.indexOf('app = Flask(__name__)') < result.indexOf('middleware = FlaskMiddleware(app'));
    assert.ok(result.indexOf('middleware = FlaskMiddleware(app') < result.indexOf('@app.route'));
  });

  it('the distro is configured before an existing Flask app is created', () => {
    const result = insert(BASE_FILES['flask app'], 'otel-flask');
    assert.strictEqual(count(result, 'Flask(__name__)'), 1);
    assert.ok(result.indexOf('configure_azure_monitor()') < result.indexOf('app = Flask(__name__)'));
  });

  it('Django wsgi.py: configure after DJANGO_SETTINGS_MODULE and before the app, nothing repeated', () => {
    const wsgi = [
      'import os',
      '',
      'from django.core.wsgi import get_wsgi_application',
      '',
      "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')",
      '',
      'application = get_wsgi_application()',
      '',
    ].join('\n');
    const result = insert(wsgi, 'otel-django');
    assert.strictEqual(count(result, 'setdefault('), 1);
    assert.strictEqual(count(result, 'get_wsgi_application()'), 1);
    assert.ok(result.includes("'shop.settings'") && !result.includes('mysite'));
    const configure = result.indexOf('configure_azure_monitor()\n');
    assert.ok(result.indexOf('setdefault(') < configure && configure < result.indexOf('application ='));
  });

  it('Django settings: the OpenCensus middleware and settings go at the end of the file', () => {
    const result = insert(BASE_FILES['django settings'], 'opencensus-django');
    assert.ok(result.startsWith(BASE_FILES['django settings']));
    assert.match(result, /\]\n\n# Azure Monitor \(OpenCensus\)[^]*OPENCENSUS = \{[^]*\}\n$/);
  });

  it('keeps CRLF line endings', () => {
    const text = '"""Doc."""\r\nimport os\r\n\r\nprint(os.name)\r\n';
    const result = insert(text, 'opencensus-metrics');
    assert.strictEqual(result.replace(/\r\n/g, '').includes('\n'), false, 'a bare LF was inserted');
    assert.ok(result.includes('\r\nview_manager.register_exporter(exporter)\r\n'));
    assert.deepStrictEqual(planInsertion(result, 'opencensus-metrics').edits, []);
  });

  it('keeps tab indentation', () => {
    const text = 'import os\n\n\ndef f():\n\treturn os.name\n';
    const result = insert(text, 'opencensus-metrics');
    assert.ok(result.includes('prompt_view = view_module.View(\n\t"prompt view",\n'), result);
    assert.doesNotMatch(result, /^ {4}/m);
    assertCompiles(result);
  });

  it('keeps a two-space indentation', () => {
    const text = 'def f():\n  return 1\n';
    assert.ok(insert(text, 'opencensus-metrics').includes('\n  "prompt view",\n'));
  });

  it('a file without a final line break gets one before the inserted code', () => {
    const text = 'import os';
    assert.strictEqual(
      insert(text, 'otel-configure'),
      'import os\nfrom azure.monitor.opentelemetry import configure_azure_monitor\n\n' +
        '# configure_azure_monitor() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment;\n' +
        '# do not pass connection_string= here (it would override the variable).\nconfigure_azure_monitor()\n',
    );
  });

  it('merging two snippets configures the distro once', () => {
    const result = insert(insert('', 'otel-traces'), 'otel-metrics');
    assert.strictEqual(count(result, 'configure_azure_monitor()\n'), 1);
    assert.ok(result.includes('meter = metrics.get_meter(__name__)'));
    assertCompiles(result);
    // The example functions (a def with its indented body) are inserted whole, and once.
    assert.ok(result.includes('def record_request(route, duration_ms):\n    # Call this'));
    assert.strictEqual(insert(result, 'otel-traces'), result);
    assert.strictEqual(count(result, 'def say_hello(name):'), 1);
  });

  it('an existing configure_azure_monitor(...) with arguments, even inside main(), is not repeated', () => {
    const text =
      'from azure.monitor.opentelemetry import configure_azure_monitor\n\n\ndef main():\n    configure_azure_monitor(logger_name="app")\n';
    const result = insert(text, 'otel-configure');
    assert.strictEqual(count(result, 'configure_azure_monitor('), 1, 'only the existing call');
    assert.strictEqual(result, text);
  });

  it('reports the packages the file needs, and edits with line/character ranges', () => {
    const plan = planInsertion('import os\n', 'opencensus-requests');
    assert.deepStrictEqual(plan.packages, ['opencensus-ext-azure', 'opencensus-ext-requests', 'requests']);
    assert.strictEqual(plan.edits.length, 1);
    assert.deepStrictEqual(plan.edits[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } });
    assert.strictEqual(plan.edits[0].offset, 'import os\n'.length);
  });

  it('throws for an unknown snippet', () => {
    assert.throws(() => planInsertion('', 'nope'), /Unknown snippet/);
  });
});
