import * as assert from 'assert';
import { execFileSync, fork } from 'node:child_process';
import * as path from 'node:path';
import {
  CodeAction,
  createMessageConnection,
  Diagnostic,
  DiagnosticSeverity,
  IPCMessageReader,
  IPCMessageWriter,
  PublishDiagnosticsParams,
  TextEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DIAGNOSTIC_CODES as C } from '../../../src/shared/serverProtocol';
import { assertCompiles } from '../snippets/pythonCompile';
import { LspTestClient } from './lspClient';
import { lines, REPOSITORY_ROOT } from './pythonSamples';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
const CS = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;

let documentCounter = 0;
const newUri = (): string => `file:///work/sample_${++documentCounter}.py`;

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x.py', 'python', 1, text), edits);
}

function byCode(diagnostics: Diagnostic[], code: string): Diagnostic[] {
  return diagnostics.filter((d) => d.code === code);
}

describe('language server over LSP (node dist/server.js --stdio)', function () {
  this.timeout(30_000);
  let client: LspTestClient;

  before(async function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPOSITORY_ROOT, stdio: 'pipe' });
    client = await LspTestClient.start();
  });

  after(async () => {
    await client?.stop();
  });

  /** Opens `text`, applies the code action chosen by `pick` for the first `code` diagnostic, re-opens the result. */
  async function fix(
    text: string,
    code: string,
    pick: (actions: CodeAction[]) => CodeAction | undefined = (a) => a.find((x) => x.isPreferred),
  ) {
    const uri = newUri();
    const diagnostics = await client.open(uri, text);
    const [diagnostic] = byCode(diagnostics, code);
    assert.ok(diagnostic, `expected ${code} in ${JSON.stringify(diagnostics.map((d) => d.code))}`);
    const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
    const action = pick(actions);
    assert.ok(action?.edit?.changes?.[uri], `no edit action among ${JSON.stringify(actions.map((a) => a.title))}`);
    assert.deepStrictEqual(
      action.diagnostics?.map((d) => d.code),
      [code],
    );
    const fixed = applyEdits(text, action.edit.changes[uri]);
    const after = await client.open(newUri(), fixed);
    assert.deepStrictEqual(byCode(after, code), [], `${code} is still reported after "${action.title}":\n${fixed}`);
    return { diagnostic, actions, fixed, after };
  }

  it('announces incremental sync, quick fixes, hover and completion', () => {
    assert.deepStrictEqual(client.capabilities, {
      textDocumentSync: { openClose: true, change: 2 },
      codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.azureMonitor.instrument', 'source.azureMonitor.instrument'] },
      hoverProvider: true,
      completionProvider: { resolveProvider: false },
    });
  });

  describe('hardCodedConnectionString', () => {
    it('reports the literal (error, source "Azure Monitor"); "remove the argument" fixes it; SecretStorage is offered', async () => {
      const text = lines(
        'from opencensus.ext.azure.trace_exporter import AzureExporter',
        `exporter = AzureExporter(connection_string="${CS}")`,
      );
      const { diagnostic, actions, fixed } = await fix(text, C.hardCodedConnectionString);
      assert.strictEqual(diagnostic.severity, DiagnosticSeverity.Error);
      assert.strictEqual(diagnostic.source, 'Azure Monitor');
      assert.deepStrictEqual(diagnostic.range, { start: { line: 1, character: 43 }, end: { line: 1, character: 45 + CS.length } });
      assert.strictEqual(fixed, lines('from opencensus.ext.azure.trace_exporter import AzureExporter', 'exporter = AzureExporter()'));
      const store = actions.find((a) => a.command?.command === 'azureMonitorPython.storeConnectionStringFromCode');
      assert.strictEqual(store?.title, 'Store it in VS Code SecretStorage instead');
      assert.deepStrictEqual(store?.command?.arguments, [{ connectionString: CS }]);
      // "Instead": the same action removes the literal before the client stores the value.
      assert.ok(store?.edit?.changes);
      assert.strictEqual(applyEdits(text, Object.values(store.edit.changes)[0]), fixed);
    });

    it('a clean file has no diagnostics', async () => {
      assert.deepStrictEqual(
        await client
          .open(newUri(), lines('from opencensus.ext.azure.trace_exporter import AzureExporter', 'exporter = AzureExporter()'))
          .then((d) => byCode(d, C.hardCodedConnectionString)),
        [],
      );
    });
  });

  describe('instrumentationKey', () => {
    it('warns on instrumentation_key= and removes it', async () => {
      const { diagnostic, fixed } = await fix(lines('handler = AzureLogHandler(instrumentation_key=IKEY)'), C.instrumentationKeyArgument);
      assert.strictEqual(diagnostic.severity, DiagnosticSeverity.Warning);
      assert.match(diagnostic.message, /31 March 2025/);
      assert.strictEqual(fixed, lines('handler = AzureLogHandler()'));
    });

    it('is silent for a full connection string read from the environment', async () => {
      assert.deepStrictEqual(
        await client.open(newUri(), lines('import os', 'cs = os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"]')),
        [],
      );
    });
  });

  describe('openCensus', () => {
    it('an information diagnostic (deprecated tag) whose action shows the OpenTelemetry equivalent', async () => {
      const uri = newUri();
      const text = lines(
        'import logging',
        'from opencensus.ext.azure.log_exporter import AzureLogHandler',
        '',
        'logger = logging.getLogger(__name__)',
        'logger.addHandler(AzureLogHandler())',
        'logger.warning("hi")',
      );
      const [diagnostic] = byCode(await client.open(uri, text), C.openCensusRetired);
      assert.strictEqual(diagnostic.severity, DiagnosticSeverity.Information);
      assert.deepStrictEqual(diagnostic.tags, [2]);
      const actions = await client.codeActions(uri, diagnostic.range, [diagnostic]);
      const show = actions.find((a) => a.command?.command === 'azureMonitorPython.showOpenTelemetryEquivalent');
      assert.strictEqual(show?.title, 'Show the OpenTelemetry equivalent');
      const migrated = show?.command?.arguments?.[0] as string;
      assert.strictEqual(show?.command?.arguments?.[1], uri, 'the original document, for a side-by-side diff');
      assertCompiles(migrated);
      assert.match(migrated, /^configure_azure_monitor\(\)$/m);
      assert.doesNotMatch(migrated, /^from opencensus/m);
      assert.deepStrictEqual(byCode(await client.open(newUri(), migrated), C.openCensusRetired), []);
    });

    it('the custom request returns the same migration', async () => {
      const uri = newUri();
      await client.open(uri, lines('from opencensus.trace.tracer import Tracer', 'tracer = Tracer()'));
      const result = await client.connection.sendRequest<{ text: string; usesOpenCensus: boolean }>(
        'azureMonitorPython/openTelemetryEquivalent',
        { uri },
      );
      assert.strictEqual(result.usesOpenCensus, true);
      assert.match(result.text, /^tracer = trace\.get_tracer\(__name__\)$/m);
      assert.strictEqual(
        await client.connection.sendRequest('azureMonitorPython/openTelemetryEquivalent', { uri: 'file:///not/open.py' }),
        null,
      );
    });

    it('OpenTelemetry imports are not reported', async () => {
      assert.deepStrictEqual(
        await client.open(
          newUri(),
          lines(
            'from opentelemetry import trace',
            'from azure.monitor.opentelemetry import configure_azure_monitor',
            'configure_azure_monitor()',
          ),
        ),
        [],
      );
    });
  });

  describe('samplerRate', () => {
    it('errors outside [0, 1] and the fix sets 1.0; hints below 1.0; silent at 1.0', async () => {
      const { diagnostic, fixed } = await fix(lines('sampler = ProbabilitySampler(rate=2)'), C.samplerRateOutOfRange);
      assert.strictEqual(diagnostic.severity, DiagnosticSeverity.Error);
      assert.strictEqual(fixed, lines('sampler = ProbabilitySampler(rate=1.0)'));
      const [hint] = await client.open(newUri(), lines('sampler = ProbabilitySampler(0.1)'));
      assert.strictEqual(hint.code, C.samplerRateDropsTelemetry);
      assert.strictEqual(hint.severity, DiagnosticSeverity.Hint);
      assert.deepStrictEqual(await client.open(newUri(), lines('sampler = ProbabilitySampler(1.0)')), []);
    });
  });

  describe('logLevel', () => {
    const base = ['import logging', 'logger = logging.getLogger(__name__)', 'logger.addHandler(AzureLogHandler())'];
    it('warns on logger.info() that the level filters out; the fix adds logger.setLevel(logging.INFO)', async () => {
      const { diagnostic, fixed } = await fix(lines(...base, 'logger.info("started")'), C.logLevelFiltersExport);
      assert.strictEqual(diagnostic.severity, DiagnosticSeverity.Warning);
      assert.deepStrictEqual(diagnostic.range, { start: { line: 3, character: 0 }, end: { line: 3, character: 11 } });
      assert.strictEqual(fixed, lines(...base, 'logger.setLevel(logging.INFO)', 'logger.info("started")'));
    });
    it('is silent when the level is set, or for WARNING and above', async () => {
      assert.deepStrictEqual(await client.open(newUri(), lines(...base, 'logger.setLevel(logging.INFO)', 'logger.info("started")')), []);
      assert.deepStrictEqual(await client.open(newUri(), lines(...base, 'logger.warning("started")', 'logger.error("x")')), []);
    });
  });

  describe('configureOrder', () => {
    it('warns when configure_azure_monitor() follows the app; the fix moves it above', async () => {
      const text = lines(
        'from flask import Flask',
        'from azure.monitor.opentelemetry import configure_azure_monitor',
        'app = Flask(__name__)',
        'configure_azure_monitor()',
      );
      const { fixed } = await fix(text, C.configureAfterAppCreated);
      assert.strictEqual(
        fixed,
        lines(
          'from flask import Flask',
          'from azure.monitor.opentelemetry import configure_azure_monitor',
          'configure_azure_monitor()',
          'app = Flask(__name__)',
        ),
      );
    });
    it('is silent in the right order', async () => {
      assert.deepStrictEqual(await client.open(newUri(), lines('configure_azure_monitor()', 'app = FastAPI()')), []);
    });
  });

  describe('connectionStringArgument', () => {
    it('warns on connection_string= and removes it', async () => {
      const { diagnostic, fixed } = await fix(
        lines('configure_azure_monitor(connection_string=CS, enable_live_metrics=True)'),
        C.connectionStringArgument,
      );
      assert.strictEqual(diagnostic.severity, DiagnosticSeverity.Warning);
      assert.strictEqual(fixed, lines('configure_azure_monitor(enable_live_metrics=True)'));
    });
    it('is silent without it', async () => {
      assert.deepStrictEqual(await client.open(newUri(), lines('configure_azure_monitor(enable_live_metrics=True)')), []);
    });
  });

  describe('incremental changes', () => {
    it('tracks range edits across lines: diagnostics follow the text', async () => {
      const uri = newUri();
      assert.deepStrictEqual(await client.open(uri, lines('import os', '', 'x = 1', 'exporter = AzureExporter()')), []);
      // Insert the argument inside the parentheses of line 3.
      let diagnostics = await client.change(uri, 2, [
        { range: { start: { line: 3, character: 25 }, end: { line: 3, character: 25 } }, text: 'connection_string=cs' },
      ]);
      assert.deepStrictEqual(
        diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]),
        [[C.connectionStringArgument, 3, 25]],
      );
      // Two changes in one notification: insert two lines at the top, then rename on the moved line.
      diagnostics = await client.change(uri, 3, [
        { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '"""Doc."""\n# comment\n' },
        { range: { start: { line: 5, character: 0 }, end: { line: 5, character: 8 } }, text: 'trace_exporter' },
      ]);
      assert.deepStrictEqual(
        diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]),
        [[C.connectionStringArgument, 5, 31]],
      );
      // Delete the argument again.
      diagnostics = await client.change(uri, 4, [
        { range: { start: { line: 5, character: 31 }, end: { line: 5, character: 51 } }, text: '' },
      ]);
      assert.deepStrictEqual(diagnostics, []);
    });

    it('typing character by character ends with the same diagnostics as opening the final text', async () => {
      const uri = newUri();
      await client.open(uri, 'import logging\n');
      const typed = `handler = AzureLogHandler(connection_string="${CS}")\nlogger = logging.getLogger()\nlogger.addHandler(handler)\nlogger.info("x")\n`;
      let line = 1;
      let character = 0;
      let version = 1;
      for (const char of typed) {
        version++;
        await client.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version },
          contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: char }],
        });
        if (char === '\n') {
          line++;
          character = 0;
        } else {
          character++;
        }
      }
      const incremental = await client.diagnostics(uri, version);
      const fresh = await client.open(newUri(), `import logging\n${typed}`);
      assert.deepStrictEqual(incremental, fresh);
      assert.deepStrictEqual(incremental.map((d) => d.code).sort(), [C.hardCodedConnectionString, C.logLevelFiltersExport]);
    });

    it('a full-text change is reparsed from scratch; closing clears the diagnostics', async () => {
      const uri = newUri();
      await client.open(uri, lines('x = 1'));
      const diagnostics = await client.change(uri, 2, [{ text: lines('s = ProbabilitySampler(7)') }]);
      assert.deepStrictEqual(
        diagnostics.map((d) => d.code),
        [C.samplerRateOutOfRange],
      );
      const cleared = client.nextDiagnostics(uri);
      await client.close(uri);
      assert.deepStrictEqual(await cleared, []);
    });
  });

  describe('hover', () => {
    it('shows the parts of a connection string with the key redacted', async () => {
      const uri = newUri();
      await client.open(uri, lines(`CS = "${CS}"`));
      const hover = await client.hover(uri, { line: 0, character: 10 });
      const value = (hover?.contents as { value: string }).value;
      assert.match(value, /InstrumentationKey \| `3c6a…0a99`/);
      assert.match(value, /IngestionEndpoint \| `https:\/\/westeurope-5\.in\.applicationinsights\.azure\.com\/`/);
      assert.ok(!value.includes(KEY), 'the key must be redacted');
      assert.deepStrictEqual(hover?.range, { start: { line: 0, character: 5 }, end: { line: 0, character: 7 + CS.length } });
    });

    it('shows the parser\'s warnings (trailing ";", upper-case GUID), and nothing outside connection strings', async () => {
      const uri = newUri();
      await client.open(uri, lines(`A = "InstrumentationKey=${KEY.toUpperCase()};"`, 'B = "hello"'));
      const value = ((await client.hover(uri, { line: 0, character: 8 }))?.contents as { value: string }).value;
      assert.match(value, /ends with ';'/);
      assert.match(value, /upper\\-case/);
      assert.strictEqual(await client.hover(uri, { line: 1, character: 6 }), null);
      assert.strictEqual(await client.hover(uri, { line: 1, character: 0 }), null);
    });
  });

  describe('completion', () => {
    it('`azm` on an empty file offers every snippet; accepting one inserts its imports and setup', async () => {
      const uri = newUri();
      await client.open(uri, 'azm');
      const items = await client.completion(uri, { line: 0, character: 3 });
      assert.ok(items.length >= 15);
      assert.ok(items.every((i) => i.label.startsWith('azmon_')));
      const item = items.find((i) => i.label === 'azmon_otel_traces');
      assert.ok(item?.textEdit && 'range' in item.textEdit);
      assert.deepStrictEqual(item.textEdit.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 3 } });
      const result = applyEdits('azm', [item.textEdit, ...(item.additionalTextEdits ?? [])]);
      assert.match(result, /^from azure\.monitor\.opentelemetry import configure_azure_monitor\nfrom opentelemetry import trace\n\n/);
      assert.match(
        result,
        /\nconfigure_azure_monitor\(\)\ntracer = trace\.get_tracer\(__name__\)\n\n\ndef say_hello\(name\):\n[\s\S]*tracer\.start_as_current_span\("say_hello"\)[\s\S]*\)$/,
      );
      assertCompiles(result);
      // The distro comes first, retired OpenCensus last (marked deprecated), in the order the editor sorts them.
      const sorted = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
      assert.strictEqual(sorted[0].label, 'azmon_otel_configure');
      const firstOpenCensus = sorted.findIndex((i) => i.label.startsWith('azmon_opencensus_'));
      assert.ok(
        firstOpenCensus > 0 && sorted.slice(firstOpenCensus).every((i) => i.label.startsWith('azmon_opencensus_')),
        sorted.map((i) => i.label).join(' '),
      );
      assert.ok(
        sorted.slice(firstOpenCensus).every((i) => i.tags?.includes(1)),
        'OpenCensus items carry CompletionItemTag.Deprecated',
      );
      assert.ok(sorted.slice(0, firstOpenCensus).every((i) => !i.tags?.length));
    });

    it('below existing imports, the missing imports are added at the top and only the setup at the cursor', async () => {
      const uri = newUri();
      const text = lines('import logging', 'import os', '', 'azmon');
      await client.open(uri, text);
      const item = (await client.completion(uri, { line: 3, character: 5 })).find((i) => i.label === 'azmon_otel_logs');
      assert.ok(item?.textEdit);
      const result = applyEdits(text, [item.textEdit as TextEdit, ...(item.additionalTextEdits ?? [])]);
      assert.strictEqual(result.split('import logging').length, 2, 'import logging is not repeated');
      assert.ok(result.startsWith('import logging\nimport os\nfrom azure.monitor.opentelemetry import configure_azure_monitor\n'));
      assert.match(result, /\n\n# configure_azure_monitor\(\) reads[^]*logger\.setLevel\(logging\.INFO\)\n$/);
      assertCompiles(result);
    });

    it('offers nothing for other words, mid-expression, or in strings and comments', async () => {
      const uri = newUri();
      await client.open(uri, lines('prin', 'x = azm', '"azm', '# azm'));
      assert.deepStrictEqual(await client.completion(uri, { line: 0, character: 4 }), []);
      assert.deepStrictEqual(await client.completion(uri, { line: 1, character: 7 }), []);
      assert.deepStrictEqual(await client.completion(uri, { line: 2, character: 4 }), []);
      assert.deepStrictEqual(await client.completion(uri, { line: 3, character: 5 }), []);
    });
  });

  describe('instrument this file', () => {
    const INSTRUMENT = 'Instrument this file with Azure Monitor';
    const actionsAt = (uri: string, line: number, only?: string[]) =>
      client.connection.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line, character: 0 }, end: { line, character: 0 } },
        context: { diagnostics: [], ...(only ? { only } : {}) },
      });

    it('a plain file gets the distro set-up (idempotent), then the client is asked to offer the packages', async () => {
      const uri = newUri();
      const text = lines('import sys', '', '', 'def main():', '    print("hi")', '    return 0', '', '', 'sys.exit(main())');
      await client.open(uri, text);
      const action = (await actionsAt(uri, 0)).find((a) => a.title === INSTRUMENT);
      assert.strictEqual(action?.kind, 'refactor.azureMonitor.instrument');
      assert.ok(action.edit?.changes?.[uri]);
      const result = applyEdits(text, action.edit.changes[uri]);
      assert.match(result, /^import sys\nfrom azure\.monitor\.opentelemetry import configure_azure_monitor\n/);
      assert.strictEqual(result.match(/^configure_azure_monitor\(\)$/gm)?.length, 1);
      assertCompiles(result);
      assert.deepStrictEqual(action.command, {
        title: INSTRUMENT,
        command: 'azureMonitorPython.offerSnippetPackages',
        arguments: [{ packages: ['azure-monitor-opentelemetry'], uri }],
      });
      const again = newUri();
      await client.open(again, result);
      assert.deepStrictEqual(
        (await actionsAt(again, 0)).filter((a) => a.title === INSTRUMENT),
        [],
        'an instrumented file is not offered it again',
      );
    });

    it('a Flask app is configured before the app is created, and the app is not created twice', async () => {
      const uri = newUri();
      const text = lines(
        'from flask import Flask',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/")',
        'def index():',
        '    return "hi"',
      );
      await client.open(uri, text);
      const action = (await actionsAt(uri, 0)).find((a) => a.title === INSTRUMENT);
      assert.ok(action?.edit?.changes?.[uri]);
      const result = applyEdits(text, action.edit.changes[uri]);
      assert.ok(result.indexOf('configure_azure_monitor()') < result.indexOf('app = Flask(__name__)'));
      assert.strictEqual(result.split('Flask(__name__)').length, 2);
      assert.deepStrictEqual((action.command?.arguments?.[0] as { packages: string[] }).packages, ['azure-monitor-opentelemetry', 'flask']);
      assertCompiles(result);
    });

    it('below the imports only as a source action; never for a file that already uses an SDK, nor for quick-fix requests', async () => {
      const plain = newUri();
      await client.open(plain, lines('import os', '', 'print(os.getcwd())'));
      assert.deepStrictEqual(
        (await actionsAt(plain, 2)).map((a) => a.title),
        [],
      );
      assert.deepStrictEqual(
        (await actionsAt(plain, 2, ['source'])).map((a) => [a.title, a.kind]),
        [[INSTRUMENT, 'source.azureMonitor.instrument']],
      );
      assert.deepStrictEqual(await actionsAt(plain, 0, ['quickfix']), []);
      const census = newUri();
      await client.open(census, lines('from opencensus.trace.tracer import Tracer', 'tracer = Tracer()'));
      assert.deepStrictEqual(
        (await actionsAt(census, 0, ['source'])).map((a) => a.title),
        [],
      );
      assert.ok(!(await actionsAt(census, 0)).some((a) => a.title === INSTRUMENT));
    });
  });

  describe('settings', () => {
    it('a rule switched off with workspace/configuration is not reported, and comes back when switched on', async () => {
      const configured = await LspTestClient.start({ configuration: { 'azureMonitorPython.diagnostics': { samplerRate: false } } });
      try {
        const uri = newUri();
        const text = lines(`IKEY = "${KEY}"`, 'sampler = ProbabilitySampler(5)');
        assert.deepStrictEqual(
          (await configured.open(uri, text)).map((d) => d.code),
          [C.hardCodedInstrumentationKey],
        );
        assert.ok(configured.configurationRequests.length > 0, 'the server asked the client');
        const republished = configured.nextDiagnostics(uri);
        await configured.changeConfiguration({ 'azureMonitorPython.diagnostics': { samplerRate: true } });
        assert.deepStrictEqual(
          (await republished).map((d) => d.code),
          [C.hardCodedInstrumentationKey, C.samplerRateOutOfRange],
        );
      } finally {
        await configured.stop();
      }
    });

    it('a client without workspace/configuration gets every rule, or what it pushes with didChangeConfiguration', async () => {
      const uri = newUri();
      const text = lines('from opencensus.trace.tracer import Tracer');
      assert.deepStrictEqual(
        (await client.open(uri, text)).map((d) => d.code),
        [C.openCensusRetired],
      );
      const republished = client.nextDiagnostics(uri);
      await client.changeConfiguration(undefined, { azureMonitorPython: { diagnostics: { openCensus: false } } });
      assert.deepStrictEqual(await republished, []);
      const restored = client.nextDiagnostics(uri);
      await client.changeConfiguration(undefined, { azureMonitorPython: {} });
      assert.deepStrictEqual(
        (await restored).map((d) => d.code),
        [C.openCensusRetired],
      );
    });
  });

  it('revalidating every document (settings changed) starts with the most recently used one (issue 20)', async () => {
    const text = lines('from opencensus.trace.tracer import Tracer');
    const [first, second, third] = [newUri(), newUri(), newUri()];
    for (const uri of [first, second, third]) {
      await client.open(uri, text);
    }
    assert.ok((await client.hover(first, { line: 0, character: 6 })) !== undefined);
    const republished = Promise.all([first, second, third].map((uri) => client.nextDiagnostics(uri)));
    const from = client.publishedOrder.length;
    await client.changeConfiguration(undefined, { azureMonitorPython: { diagnostics: { openCensus: false } } });
    await republished;
    const order = client.publishedOrder.slice(from).filter((uri) => [first, second, third].includes(uri));
    assert.deepStrictEqual(order, [first, third, second]);
    await client.changeConfiguration(undefined, { azureMonitorPython: {} });
    for (const uri of [first, second, third]) {
      await client.close(uri);
    }
  });

  it('diagnoses a 5,000-line file', async () => {
    const block = (i: number) =>
      [
        `def handler_${i}(request):`,
        `    logger.info("request %s", request)`,
        `    exporter_${i} = AzureExporter(connection_string="${CS}")`,
        `    return exporter_${i}`,
        '',
      ].join('\n');
    const header = lines(
      'import logging',
      'from opencensus.ext.azure.trace_exporter import AzureExporter',
      'logger = logging.getLogger(__name__)',
      '',
    );
    const text = header + Array.from({ length: 1000 }, (_, i) => block(i)).join('\n');
    assert.ok(text.split('\n').length >= 5000);
    const diagnostics = await client.open(newUri(), text);
    assert.strictEqual(byCode(diagnostics, C.hardCodedConnectionString).length, 1000);
    assert.strictEqual(byCode(diagnostics, C.openCensusRetired).length, 1);
    assert.strictEqual(diagnostics.length, 1001);
    assert.strictEqual(diagnostics[diagnostics.length - 1].range.start.line, 4 + 999 * 5 + 2);
  });

  it('also runs over Node IPC (how the extension starts it)', async () => {
    const child = fork(path.join(REPOSITORY_ROOT, 'dist', 'server.js'), ['--node-ipc'], { silent: true });
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      connection.onNotification('textDocument/publishDiagnostics', resolve),
    );
    connection.listen();
    try {
      const result = await connection.sendRequest<{ capabilities: { hoverProvider?: boolean; textDocumentSync?: { change?: number } } }>(
        'initialize',
        { processId: process.pid, rootUri: null, capabilities: {} },
      );
      assert.strictEqual(result.capabilities.hoverProvider, true);
      assert.strictEqual(result.capabilities.textDocumentSync?.change, 2);
      await connection.sendNotification('initialized', {});
      await connection.sendNotification('textDocument/didOpen', {
        textDocument: { uri: 'file:///ipc.py', languageId: 'python', version: 1, text: 'sampler = ProbabilitySampler(-1)\n' },
      });
      assert.deepStrictEqual(
        (await published).diagnostics.map((d) => d.code),
        [C.samplerRateOutOfRange],
      );
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});
