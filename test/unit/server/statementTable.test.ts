/**
 * Per-statement diagnostics (issue 20): after any sequence of edits the statement table answers
 * exactly what a fresh parse and full analysis of the text answer, and an edit inside one statement
 * parses and analyses only that statement.
 */
import * as assert from 'assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../../../src/server/analysis/findings';
import { analyse } from '../../../src/server/analysis/ruleEngine';
import { PythonDocumentStore } from '../../../src/server/documents';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DiagnosticsSettings } from '../../../src/shared/serverProtocol';
import { lines, REPOSITORY_ROOT, testParser } from './pythonSamples';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
const CS = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;
const URI = 'file:///sample.py';

/** The repository's sample app, plus code every rule reports on. */
function sampleFile(): string {
  const sample = readFileSync(path.join(REPOSITORY_ROOT, 'samples', 'python-app', 'stdlib_telemetry.py'), 'utf8');
  return (
    sample +
    lines(
      '',
      'from opencensus.ext.azure.log_exporter import AzureLogHandler',
      'from opencensus.trace.samplers import ProbabilitySampler',
      'from flask import Flask',
      '',
      'app = Flask(__name__)',
      'log = logging.getLogger("orders")',
      '',
      '',
      'def exporter():',
      `    return AzureExporter(connection_string="${CS}", instrumentation_key="${KEY}")`,
      '',
      '',
      'class Settings:',
      `    IKEY = "${KEY}"`,
      '    sampler = ProbabilitySampler(0.25)',
      '',
      '',
      'def handle(request):  # é',
      '    log.info("handling %s", request)',
      '    return {"status": "ok"}',
    )
  );
}

/** Text an edit inserts: valid statements, fragments that break the syntax, and code every rule reports. */
const INSERTS = [
  '',
  '\n',
  ' ',
  'x',
  '(',
  ')',
  ':',
  '"',
  "'''",
  '#',
  '\\\n',
  '    ',
  'é',
  'import os\n',
  'log.debug("x")\n',
  'configure_azure_monitor()\n',
  'from azure.monitor.opentelemetry import configure_azure_monitor\n',
  `exporter = AzureExporter(connection_string="${CS}")\n`,
  'handler = AzureLogHandler()\nlog.addHandler(handler)\n',
  'cs = os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")\nAzureLogHandler(connection_string=cs)\n',
  'ProbabilitySampler(rate=0.5)',
  `instrumentation_key="${KEY}"`,
  'def f():\n    return 1\n',
  'app = Flask(__name__)\n',
  'log.setLevel(logging.INFO)\n',
  'if x:\n    pass\nelse:\n    pass\n',
  '@app.route("/")\n',
];

interface Edit {
  readonly at: number;
  readonly lineStart: boolean;
  readonly remove: number;
  readonly insert: string;
  readonly diagnoseAfter: boolean;
}

/** Whole statements typed at a line start (mostly keeps the file valid) or anything anywhere. */
const editArbitrary: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      lineStart: fc.constant(true),
      remove: fc.constant(0),
      insert: fc.constantFrom(...INSERTS.filter((insert) => insert.endsWith('\n') && !insert.endsWith('\\\n'))),
      diagnoseAfter: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      lineStart: fc.boolean(),
      remove: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
      insert: fc.constantFrom(...INSERTS),
      diagnoseAfter: fc.boolean(),
    }),
  },
);

const settingsArbitrary: fc.Arbitrary<DiagnosticsSettings> = fc.oneof(
  fc.constant(DEFAULT_DIAGNOSTICS_SETTINGS),
  fc.constant({ ...DEFAULT_DIAGNOSTICS_SETTINGS, hardCodedConnectionString: false }),
  fc.constant({ ...DEFAULT_DIAGNOSTICS_SETTINGS, logLevel: false, configureOrder: false }),
);

/** What diagnostics show of a finding (fixes are computed by code actions, from the whole file). */
function shown(findings: readonly Finding[]): unknown[] {
  return findings.map(({ rule, code, severity, message, start, end, deprecated }) => ({
    rule,
    code,
    severity,
    message,
    start,
    end,
    deprecated,
  }));
}

async function fresh(text: string, settings: DiagnosticsSettings): Promise<unknown[]> {
  const tree = (await testParser()).parse(text);
  try {
    return shown(analyse(tree, text, settings));
  } finally {
    tree.delete();
  }
}

/** Applies an edit as VS Code sends it (a range in line/character) and returns the new text. */
function sendEdit(store: PythonDocumentStore, edit: Edit, version: number): void {
  const document = store.get(URI)!.document;
  const text = document.getText();
  let offset = Math.min(text.length, Math.floor(edit.at * (text.length + 1)));
  if (edit.lineStart) {
    offset = text.lastIndexOf('\n', offset - 1) + 1;
  }
  const end = Math.min(text.length, offset + edit.remove);
  const range = { start: document.positionAt(offset), end: document.positionAt(end) };
  store.change(URI, version, [{ range, text: edit.insert }]);
}

describe('per-statement diagnostics (issue 20)', () => {
  it('after any sequence of edits, equal a fresh parse and full analysis of the text', async function () {
    this.timeout(120_000);
    const parser = await testParser();
    const seen = { statements: 0, file: 0, nothing: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(editArbitrary, { minLength: 1, maxLength: 12 }), settingsArbitrary, async (edits, settings) => {
        const store = new PythonDocumentStore(parser);
        const entry = store.open(URI, 'python', 1, sampleFile());
        try {
          assert.deepStrictEqual(shown(entry.diagnose(settings).findings), await fresh(entry.document.getText(), settings));
          let version = 1;
          for (const edit of edits) {
            sendEdit(store, edit, ++version);
            if (edit.diagnoseAfter || edit === edits[edits.length - 1]) {
              const text = entry.document.getText();
              const diagnosis = entry.diagnose(settings);
              seen[diagnosis.parsed]++;
              assert.deepStrictEqual(shown(diagnosis.findings), await fresh(text, settings), `after ${JSON.stringify(edits)}`);
            }
          }
        } finally {
          store.close(URI);
        }
      }),
      { numRuns: 150 },
    );
    // The property must exercise the per-statement path, not only the whole-file fallback.
    assert.ok(seen.statements > 50, JSON.stringify(seen));
    assert.ok(seen.file > 10, JSON.stringify(seen));
  });

  it('a comment typed in front of an indented first statement runs on into it: equal a fresh analysis', async () => {
    // Found by the property above (seed 1299134022): the range before the docstring ended mid-line.
    const parser = await testParser();
    const store = new PythonDocumentStore(parser);
    const entry = store.open(URI, 'python', 1, sampleFile());
    try {
      const steps: Edit[] = [
        { at: 0, lineStart: false, remove: 0, insert: '    ', diagnoseAfter: true },
        { at: 0, lineStart: false, remove: 0, insert: '#', diagnoseAfter: false },
        { at: 0, lineStart: true, remove: 0, insert: '\n', diagnoseAfter: true },
      ];
      let version = 1;
      for (const step of steps) {
        sendEdit(store, step, ++version);
        if (step.diagnoseAfter) {
          const text = entry.document.getText();
          assert.deepStrictEqual(
            shown(entry.diagnose(DEFAULT_DIAGNOSTICS_SETTINGS).findings),
            await fresh(text, DEFAULT_DIAGNOSTICS_SETTINGS),
          );
        }
      }
    } finally {
      store.close(URI);
    }
  });

  describe('an edit re-derives only the statements it touched', () => {
    const handlers = (count: number): string =>
      lines(
        'import logging',
        'logger = logging.getLogger(__name__)',
        '',
        ...Array.from({ length: count }, (_, i) => [
          `def handler_${i}(request):`,
          `    exporter = AzureExporter(connection_string="${CS}")`,
          '    return exporter',
          '',
        ]).flat(),
      );

    async function openHandlers(count: number): Promise<{ store: PythonDocumentStore; document: () => TextDocument }> {
      const store = new PythonDocumentStore(await testParser());
      const entry = store.open(URI, 'python', 1, handlers(count));
      const first = entry.diagnose(DEFAULT_DIAGNOSTICS_SETTINGS);
      assert.strictEqual(first.parsed, 'file');
      assert.strictEqual(first.rederived, count + 2);
      return { store, document: () => entry.document };
    }

    async function editLine(store: PythonDocumentStore, line: number, newText: string, version: number) {
      const document = store.get(URI)!.document;
      const range = { start: { line, character: 0 }, end: { line, character: document.getText().split('\n')[line].length } };
      store.change(URI, version, [{ range, text: newText }]);
      const diagnosis = store.get(URI)!.diagnose(DEFAULT_DIAGNOSTICS_SETTINGS);
      assert.deepStrictEqual(shown(diagnosis.findings), await fresh(document.getText(), DEFAULT_DIAGNOSTICS_SETTINGS));
      return diagnosis;
    }

    it('a line changed inside one function: that function only, and nothing reparsed when nothing changed', async () => {
      const { store } = await openHandlers(200);
      const handler100 = 3 + 100 * 4 + 1;
      const changed = await editLine(store, handler100, '    exporter = AzureExporter()', 2);
      assert.deepStrictEqual([changed.parsed, changed.rederived], ['statements', 1]);
      assert.strictEqual(changed.findings.length, 199, 'the edited handler lost its hard-coded connection string');
      const again = store.get(URI)!.diagnose(DEFAULT_DIAGNOSTICS_SETTINGS);
      assert.deepStrictEqual([again.parsed, again.rederived], ['nothing', 0]);
      store.close(URI);
    });

    it('a new statement typed between two functions: the statements next to it only', async () => {
      const { store } = await openHandlers(50);
      const blankBetween = 3 + 10 * 4 + 3;
      const typed = await editLine(store, blankBetween, `LEGACY = "${CS}"`, 2);
      assert.strictEqual(typed.parsed, 'statements');
      assert.ok(typed.rederived <= 3, `${typed.rederived} statements`);
      assert.strictEqual(typed.findings.length, 51);
      store.close(URI);
    });

    it('a syntax error falls back to the whole file, and typing on after it returns to single statements', async () => {
      const { store } = await openHandlers(50);
      const line = 3 + 20 * 4 + 1;
      const broken = await editLine(store, line, '    exporter = AzureExporter(connection_string=', 2);
      assert.strictEqual(broken.parsed, 'file');
      const fixed = await editLine(store, line, '    exporter = AzureExporter()', 3);
      assert.strictEqual(fixed.parsed, 'file', 'the file had an error: the whole file again');
      // The open parenthesis swallowed handlers 20–49 into the error; those before it are reused.
      assert.ok(fixed.rederived <= 30, `${fixed.rederived} statements`);
      const next = await editLine(
        store,
        line + 4,
        `    exporter = AzureExporter(connection_string="${CS}", instrumentation_key="${KEY}")`,
        4,
      );
      assert.deepStrictEqual([next.parsed, next.rederived], ['statements', 1]);
      store.close(URI);
    });

    it('a statement rules look across from (configure_azure_monitor) brings in the whole-file rules', async () => {
      const { store } = await openHandlers(20);
      const withInfo = await editLine(store, 3 + 5 * 4 + 2, '    logger.info("sent")', 2);
      assert.strictEqual(withInfo.parsed, 'statements');
      assert.ok(!withInfo.findings.some((f) => f.rule === 'logLevel'));
      const configured = await editLine(store, 2, 'configure_azure_monitor()', 3);
      assert.strictEqual(configured.parsed, 'statements');
      assert.strictEqual(configured.findings.filter((f) => f.rule === 'logLevel').length, 1);
      store.close(URI);
    });
  });
});
