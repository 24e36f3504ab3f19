import * as assert from 'assert';
import { renderStandalone, SNIPPETS } from '../../../src/core/snippets';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DIAGNOSTIC_CODES as C, DIAGNOSTIC_RULES, RULE_OF_CODE } from '../../../src/shared/serverProtocol';
import { assertCompiles } from '../snippets/pythonCompile';
import { applyFix, codesOf, findingsOf, lines } from './pythonSamples';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
const CS = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;

describe('rule engine', () => {
  describe('hardCodedConnectionString', () => {
    it('flags a connection string passed to an exporter, with a fix that removes the argument', async () => {
      const text = lines(
        'from opencensus.ext.azure.trace_exporter import AzureExporter',
        `exporter = AzureExporter(connection_string="${CS}")`,
      );
      const finding = (await findingsOf(text)).find((f) => f.code === C.hardCodedConnectionString);
      assert.ok(finding);
      assert.strictEqual(finding.severity, 'error');
      assert.strictEqual(text.slice(finding.start, finding.end), `"${CS}"`);
      const fixed = await applyFix(text, C.hardCodedConnectionString);
      assert.strictEqual(fixed, lines('from opencensus.ext.azure.trace_exporter import AzureExporter', 'exporter = AzureExporter()'));
      assert.ok(!(await codesOf(fixed)).includes(C.hardCodedConnectionString));
      const command = finding.fixes.find((f) => f.kind === 'command');
      assert.deepStrictEqual(command && command.kind === 'command' && [command.command, command.arguments], [
        'azureMonitorPython.storeConnectionStringFromCode',
        [{ connectionString: CS }],
      ]);
    });

    it('a connection string in a variable is replaced by a read of the environment variable (adding import os)', async () => {
      const text = lines('"""App."""', `CONNECTION = '${CS}'`);
      const fixed = await applyFix(text, C.hardCodedConnectionString);
      assert.strictEqual(
        fixed,
        lines('"""App."""', '', 'import os', '', 'CONNECTION = os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING")'),
      );
      assertCompiles(fixed);
      assert.deepStrictEqual(await codesOf(fixed), []);
    });

    it('an os.environ assignment of the connection string is removed', async () => {
      const text = lines('import os', `os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "${CS}"`, 'print(1)');
      assert.strictEqual(await applyFix(text, C.hardCodedConnectionString), lines('import os', 'print(1)'));
    });

    it('flags an instrumentation key GUID given to an ikey name, not other GUIDs', async () => {
      assert.deepStrictEqual(await codesOf(lines(`IKEY = "${KEY}"`)), [C.hardCodedInstrumentationKey]);
      assert.deepStrictEqual(await codesOf(lines(`settings = {"instrumentationKey": "${KEY}"}`)), [C.hardCodedInstrumentationKey]);
      assert.deepStrictEqual(await codesOf(lines(`request_id = "${KEY}"`, `uuid_list = ["${KEY}"]`)), []);
    });

    it('ignores f-strings built from variables, docstrings, comments and placeholders without a key', async () => {
      assert.deepStrictEqual(
        await codesOf(
          lines('"""Pass InstrumentationKey=... in the environment."""', 'key = "x"', 'cs = f"InstrumentationKey={key}"', `# "${CS}"`),
        ),
        [],
      );
    });
  });

  describe('instrumentationKey', () => {
    it('warns on instrumentation_key= and removes it', async () => {
      const text = lines('handler = AzureLogHandler(instrumentation_key=ikey, export_interval=5)');
      const finding = (await findingsOf(text)).find((f) => f.code === C.instrumentationKeyArgument);
      assert.ok(finding && finding.severity === 'warning' && /31 March 2025/.test(finding.message));
      assert.strictEqual(await applyFix(text, C.instrumentationKeyArgument), lines('handler = AzureLogHandler(export_interval=5)'));
    });

    it('warns on a connection string with only an InstrumentationKey, not on a full one', async () => {
      assert.ok((await codesOf(lines(`x = "InstrumentationKey=${KEY}"`))).includes(C.instrumentationKeyOnly));
      assert.ok(!(await codesOf(lines(`x = "${CS}"`))).includes(C.instrumentationKeyOnly));
      assert.ok(
        !(await codesOf(lines(`x = "InstrumentationKey=${KEY};EndpointSuffix=applicationinsights.azure.cn"`))).includes(
          C.instrumentationKeyOnly,
        ),
      );
    });
  });

  describe('openCensus', () => {
    it('marks each OpenCensus import (information, deprecated) with the migration fix', async () => {
      const text = lines(
        'import logging',
        'from opencensus.ext.azure.log_exporter import AzureLogHandler',
        'import opencensus.trace.tracer as t, os',
      );
      const findings = (await findingsOf(text)).filter((f) => f.code === C.openCensusRetired);
      assert.deepStrictEqual(
        findings.map((f) => text.slice(f.start, f.end)),
        ['opencensus.ext.azure.log_exporter', 'opencensus.trace.tracer'],
      );
      assert.ok(findings.every((f) => f.severity === 'information' && f.deprecated && /30 September 2024/.test(f.message)));
      assert.deepStrictEqual(findings[0].fixes, [{ kind: 'show-migration', title: 'Show the OpenTelemetry equivalent' }]);
    });

    it('leaves OpenTelemetry and look-alike modules alone', async () => {
      assert.deepStrictEqual(
        await codesOf(
          lines(
            'from opentelemetry import trace',
            'import opencensus_like',
            'from azure.monitor.opentelemetry import configure_azure_monitor',
          ),
        ),
        [],
      );
    });
  });

  describe('samplerRate', () => {
    it('errors outside [0, 1], hints below 1.0, and is silent at 1.0 or for computed rates', async () => {
      assert.deepStrictEqual(await codesOf(lines('s = ProbabilitySampler(1.5)', 't = ProbabilitySampler(rate=-0.1)')), [
        C.samplerRateOutOfRange,
        C.samplerRateOutOfRange,
      ]);
      assert.deepStrictEqual(await codesOf(lines('s = ProbabilitySampler(rate=0.25)', 'configure_azure_monitor(sampling_ratio=0.5)')), [
        C.samplerRateDropsTelemetry,
        C.samplerRateDropsTelemetry,
      ]);
      assert.deepStrictEqual(
        await codesOf(
          lines('a = ProbabilitySampler(1.0)', 'b = ProbabilitySampler(1)', 'c = ProbabilitySampler(rate)', 'd = ProbabilitySampler()'),
        ),
        [],
      );
      const [hint] = await findingsOf(lines('s = ProbabilitySampler(0.25)'));
      assert.strictEqual(hint.severity, 'hint');
      assert.match(hint.message, /75% of traces/);
      // Why it matters, not just what happens: the sampled-out data is missing where the user looks for it.
      assert.match(hint.message, /missing in the Azure portal/);
    });

    it('the fix sets the rate to 1.0', async () => {
      assert.strictEqual(
        await applyFix(lines('s = ProbabilitySampler(rate=2)'), C.samplerRateOutOfRange),
        lines('s = ProbabilitySampler(rate=1.0)'),
      );
    });
  });

  describe('logLevel', () => {
    const opencensusLogger = (...rest: string[]) =>
      lines(
        'import logging',
        'from opencensus.ext.azure.log_exporter import AzureLogHandler',
        'logger = logging.getLogger(__name__)',
        'logger.addHandler(AzureLogHandler())',
        ...rest,
      );

    it('warns on info/debug below WARNING with an AzureLogHandler and no setLevel; the fix adds setLevel after addHandler', async () => {
      const text = opencensusLogger('logger.info("hello")', 'logger.warning("fine")', 'logger.debug("x")');
      const findings = (await findingsOf(text)).filter((f) => f.code === C.logLevelFiltersExport);
      assert.deepStrictEqual(
        findings.map((f) => text.slice(f.start, f.end)),
        ['logger.info', 'logger.debug'],
      );
      const fixed = await applyFix(text, C.logLevelFiltersExport);
      assert.strictEqual(
        fixed,
        opencensusLogger('logger.setLevel(logging.INFO)', 'logger.info("hello")', 'logger.warning("fine")', 'logger.debug("x")'),
      );
      // A level below WARNING is what the rule asks for; DEBUG records filtered at INFO are the user's choice.
      assert.deepStrictEqual(await codesOf(fixed), [C.openCensusRetired]);
    });

    it('a debug() call asks for DEBUG', async () => {
      const text = opencensusLogger('logger.debug("x")');
      assert.match(
        await applyFix(text, C.logLevelFiltersExport),
        /addHandler\(AzureLogHandler\(\)\)\nlogger\.setLevel\(logging\.DEBUG\)\n/,
      );
    });

    it('is silent when the level is low enough, unknown, or set for the root logger', async () => {
      for (const setup of [
        'logger.setLevel(logging.INFO)',
        'logger.setLevel(level)',
        'logger.setLevel("DEBUG")',
        'logging.basicConfig(level=logging.DEBUG)',
        'logging.getLogger().setLevel(logging.INFO)',
      ]) {
        assert.deepStrictEqual(
          (await codesOf(opencensusLogger(setup, 'logger.info("x")', 'logger.debug("y")'))).filter((c) => c === C.logLevelFiltersExport),
          [],
          setup,
        );
      }
    });

    it('still warns when the level is set to WARNING or above', async () => {
      assert.ok(
        (await codesOf(opencensusLogger('logger.setLevel(logging.WARNING)', 'logger.info("x")'))).includes(C.logLevelFiltersExport),
      );
    });

    it("handles a handler kept in a variable, and the distro's configure_azure_monitor()", async () => {
      assert.ok(
        (
          await codesOf(
            lines(
              'import logging',
              'log = logging.getLogger("app")',
              'handler = AzureLogHandler()',
              'log.addHandler(handler)',
              'log.info("x")',
            ),
          )
        ).includes(C.logLevelFiltersExport),
      );
      const otel = lines(
        'import logging',
        'from azure.monitor.opentelemetry import configure_azure_monitor',
        'configure_azure_monitor()',
        'logger = logging.getLogger(__name__)',
        'logger.info("x")',
      );
      assert.ok((await codesOf(otel)).includes(C.logLevelFiltersExport));
      assert.deepStrictEqual(await codesOf(await applyFix(otel, C.logLevelFiltersExport)), []);
    });

    it('is silent for loggers that do not reach Azure Monitor', async () => {
      assert.deepStrictEqual(
        await codesOf(
          lines('import logging', 'logger = logging.getLogger(__name__)', 'logger.addHandler(logging.StreamHandler())', 'logger.info("x")'),
        ),
        [],
      );
    });

    it('adds import logging when the file lacks it, and keeps the indentation of the addHandler line', async () => {
      const text = lines(
        'from opencensus.ext.azure.log_exporter import AzureLogHandler',
        'def setup(log):',
        '    log.addHandler(AzureLogHandler())',
        '    log.info("ready")',
      );
      const fixed = await applyFix(text, C.logLevelFiltersExport);
      assert.strictEqual(
        fixed,
        lines(
          'from opencensus.ext.azure.log_exporter import AzureLogHandler',
          'import logging',
          'def setup(log):',
          '    log.addHandler(AzureLogHandler())',
          '    log.setLevel(logging.INFO)',
          '    log.info("ready")',
        ),
      );
    });
  });

  describe('configureOrder', () => {
    it('warns when configure_azure_monitor() follows Flask(__name__); the fix moves it above', async () => {
      const text = lines(
        'from flask import Flask',
        'from azure.monitor.opentelemetry import configure_azure_monitor',
        '',
        'app = Flask(__name__)',
        'configure_azure_monitor()',
        '',
      );
      const finding = (await findingsOf(text)).find((f) => f.code === C.configureAfterAppCreated);
      assert.ok(finding && finding.severity === 'warning' && /line 4/.test(finding.message));
      const fixed = await applyFix(text, C.configureAfterAppCreated);
      assert.strictEqual(
        fixed,
        lines(
          'from flask import Flask',
          'from azure.monitor.opentelemetry import configure_azure_monitor',
          '',
          'configure_azure_monitor()',
          'app = Flask(__name__)',
          '',
        ),
      );
      assert.deepStrictEqual(await codesOf(fixed), []);
    });

    it('moves the import too when it sits between the app and the call; works for FastAPI and Django', async () => {
      const text = lines(
        'from fastapi import FastAPI',
        'app = FastAPI()',
        'from azure.monitor.opentelemetry import configure_azure_monitor',
        'configure_azure_monitor(',
        '    enable_live_metrics=True,',
        ')',
      );
      const fixed = await applyFix(text, C.configureAfterAppCreated);
      assert.strictEqual(
        fixed,
        lines(
          'from fastapi import FastAPI',
          'from azure.monitor.opentelemetry import configure_azure_monitor',
          'configure_azure_monitor(',
          '    enable_live_metrics=True,',
          ')',
          'app = FastAPI()',
        ),
      );
      assertCompiles(fixed);
      assert.ok(
        (await codesOf(lines('application = get_wsgi_application()', 'configure_azure_monitor()'))).includes(C.configureAfterAppCreated),
      );
    });

    it('is silent when configure comes first, when the app is built inside another function, or is instrumented explicitly', async () => {
      assert.deepStrictEqual(await codesOf(lines('configure_azure_monitor()', 'app = Flask(__name__)')), []);
      assert.deepStrictEqual(await codesOf(lines('def create_app():', '    return Flask(__name__)', 'configure_azure_monitor()')), []);
      assert.deepStrictEqual(
        await codesOf(lines('app = FastAPI()', 'configure_azure_monitor()', 'FastAPIInstrumentor.instrument_app(app)')),
        [],
      );
    });
  });

  describe('connectionStringArgument', () => {
    it('warns on connection_string= given a variable, and removes it', async () => {
      const text = lines('configure_azure_monitor(connection_string=settings.AI_CS, enable_live_metrics=True)');
      assert.deepStrictEqual(await codesOf(text), [C.connectionStringArgument]);
      assert.strictEqual(await applyFix(text, C.connectionStringArgument), lines('configure_azure_monitor(enable_live_metrics=True)'));
      assert.deepStrictEqual(await codesOf(lines('handler = AzureLogHandler(', '    connection_string=cs,', ')')), [
        C.connectionStringArgument,
      ]);
      assert.strictEqual(
        await applyFix(lines('handler = AzureLogHandler(', '    connection_string=cs,', ')'), C.connectionStringArgument),
        lines('handler = AzureLogHandler()'),
      );
    });

    it('leaves a literal to hardCodedConnectionString (unless that rule is off), and ignores reads of the same variable', async () => {
      const literal = lines(`exporter = metrics_exporter.new_metrics_exporter(connection_string="${CS}")`);
      assert.deepStrictEqual(await codesOf(literal), [C.hardCodedConnectionString]);
      assert.deepStrictEqual(await codesOf(literal, { ...DEFAULT_DIAGNOSTICS_SETTINGS, hardCodedConnectionString: false }), [
        C.connectionStringArgument,
      ]);
      assert.deepStrictEqual(
        await codesOf(lines('AzureExporter(connection_string=os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"])')),
        [],
      );
      assert.deepStrictEqual(await codesOf(lines('Unrelated(connection_string=cs)')), []);
    });

    it('is silent when the value comes from APPLICATIONINSIGHTS_CONNECTION_STRING through a variable (os.environ[...], os.getenv, os.environ.get)', async () => {
      for (const read of [
        'os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"]',
        "os.getenv('APPLICATIONINSIGHTS_CONNECTION_STRING')",
        'os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING")',
        'os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING", "")',
        'getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")',
        'environ["APPLICATIONINSIGHTS_CONNECTION_STRING"]',
        '(os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING") or "")',
      ]) {
        const text = lines('import os', `CONNECTION_STRING = ${read}`, 'configure_azure_monitor(connection_string=CONNECTION_STRING)');
        assert.deepStrictEqual(await codesOf(text), [], read);
      }
      // Through a name for the variable, a second hop, and inside a function reading a module constant.
      assert.deepStrictEqual(
        await codesOf(
          lines('NAME = "APPLICATIONINSIGHTS_CONNECTION_STRING"', 'cs = os.environ[NAME]', 'AzureLogHandler(connection_string=cs)'),
        ),
        [],
      );
      assert.deepStrictEqual(
        await codesOf(lines('raw = os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")', 'cs = raw', 'AzureExporter(connection_string=cs)')),
        [],
      );
      assert.deepStrictEqual(
        await codesOf(
          lines(
            'CS = os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")',
            'def main():',
            '    configure_azure_monitor(connection_string=CS)',
          ),
        ),
        [],
      );
      // What hardCodedConnectionString's own fix leaves behind is not flagged by this rule.
      const fixed = await applyFix(lines(`CS = "${CS}"`, 'configure_azure_monitor(connection_string=CS)'), C.hardCodedConnectionString);
      assert.match(fixed, /CS = os\.environ\.get\("APPLICATIONINSIGHTS_CONNECTION_STRING"\)/);
      assert.deepStrictEqual(await codesOf(fixed), []);
    });

    it('still warns when the value comes from anywhere else (near misses: other variables, literals, config files, parameters)', async () => {
      const warns = async (...text: string[]) =>
        assert.deepStrictEqual(
          await codesOf(lines(...text), { ...DEFAULT_DIAGNOSTICS_SETTINGS, hardCodedConnectionString: false }),
          [C.connectionStringArgument],
          text.join('\n'),
        );
      await warns('CS = os.getenv("MY_APP_INSIGHTS")', 'configure_azure_monitor(connection_string=CS)');
      await warns('CS = os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING_PROD"]', 'configure_azure_monitor(connection_string=CS)');
      await warns(`CS = "${CS}"`, 'configure_azure_monitor(connection_string=CS)');
      await warns(
        'cs = os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")',
        'if prod:',
        `    cs = "${CS}"`,
        'AzureExporter(connection_string=cs)',
      );
      await warns('CS = config["APPLICATIONINSIGHTS_CONNECTION_STRING"]', 'configure_azure_monitor(connection_string=CS)');
      await warns('configure_azure_monitor(connection_string=settings["APPLICATIONINSIGHTS_CONNECTION_STRING"])');
      await warns('CS = json.load(open("appsettings.json"))["ApplicationInsights"]', 'configure_azure_monitor(connection_string=CS)');
      await warns('CS = "" or os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")', 'configure_azure_monitor(connection_string=CS)');
      await warns('NAME = "OTHER"', 'CS = os.environ[NAME]', 'configure_azure_monitor(connection_string=CS)');
      await warns('cs = os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")', 'def setup(cs):', '    AzureExporter(connection_string=cs)');
      await warns('a = b', 'b = a', 'AzureExporter(connection_string=a)');
      await warns('AzureExporter(connection_string=f"{os.getenv(\'APPLICATIONINSIGHTS_CONNECTION_STRING\')};Extra=1")');
    });
  });

  describe('settings', () => {
    it('a rule switched off reports nothing; every code belongs to a rule', async () => {
      const text = lines(`IKEY = "${KEY}"`, 's = ProbabilitySampler(3)');
      assert.deepStrictEqual(await codesOf(text, { ...DEFAULT_DIAGNOSTICS_SETTINGS, samplerRate: false }), [C.hardCodedInstrumentationKey]);
      for (const code of Object.values(C)) {
        assert.ok(DIAGNOSTIC_RULES.includes(RULE_OF_CODE[code]), code);
      }
    });
  });

  describe('our own snippets', () => {
    for (const snippet of SNIPPETS) {
      it(`${snippet.id}: no errors or warnings (OpenCensus ones only the retirement notice)`, async () => {
        const findings = await findingsOf(renderStandalone(snippet.id));
        const allowed = snippet.sdk === 'opencensus' ? [C.openCensusRetired] : [];
        assert.deepStrictEqual(
          [...new Set(findings.map((f) => f.code))].filter((c) => !allowed.includes(c as never)),
          [],
        );
      });
    }
  });
});
