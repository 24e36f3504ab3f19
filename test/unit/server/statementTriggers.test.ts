/**
 * The per-statement diagnosis decides from a statement's text which rules may report in it
 * (`STATEMENT_TRIGGERS`) and gives each rule only the nodes whose text carries its word
 * (`CANDIDATE_NODES`). Neither may ever lose a finding: for every top-level statement, the planned
 * and filtered analysis must equal every enabled rule run over all of the statement's nodes.
 */
import * as assert from 'assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { renderStandalone, SNIPPETS } from '../../../src/core/snippets';
import type { Finding } from '../../../src/server/analysis/findings';
import { analyseIndex, analyseStatement, planStatement } from '../../../src/server/analysis/ruleEngine';
import type { Node } from 'web-tree-sitter';
import { indexSubtree, stringLiteral } from '../../../src/server/analysis/syntax';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DIAGNOSTIC_RULES, DiagnosticsSettings } from '../../../src/shared/serverProtocol';
import { lines, REPOSITORY_ROOT, testParser } from './pythonSamples';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
const CS = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;

/** Every enabled rule, all nodes, per statement: what the planned analysis must reproduce. */
async function compare(text: string, settings: DiagnosticsSettings): Promise<{ statements: number; findings: number }> {
  const tree = (await testParser()).parse(text);
  let findings = 0;
  try {
    const statements = tree.rootNode.namedChildren.filter((node) => node !== null);
    for (const statement of statements) {
      const source = text.slice(statement.startIndex, statement.endIndex);
      const plan = planStatement(source, settings);
      const everything = analyseIndex(indexSubtree(statement, text), text, settings, undefined, false).filter(
        (finding) => !plan.wholeFile.includes(finding.rule),
      );
      const planned = analyseStatement(indexSubtree(statement, text), text, settings, plan);
      assert.deepStrictEqual(brief(planned), brief(everything), `statement:\n${source}`);
      findings += everything.length;
    }
    return { statements: statements.length, findings };
  } finally {
    tree.delete();
  }
}

function brief(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.rule} ${f.code} ${f.start}-${f.end}`).sort();
}

const ONLY_ONE_RULE_OFF = DIAGNOSTIC_RULES.map((rule) => ({ ...DEFAULT_DIAGNOSTICS_SETTINGS, [rule]: false }));

/** Pieces of Python around every rule's words: names, values in every string form, callees. */
const NAMES = [
  'instrumentation_key',
  'connection_string',
  'IKEY',
  'ikey',
  'app_ikey',
  'InstrumentationKey',
  'cs',
  'x',
  'rate',
  'sampling_ratio',
  'level',
];
const STRINGS = [
  `"${CS}"`,
  `'InstrumentationKey=${KEY}'`,
  `f"InstrumentationKey={KEY}"`,
  `f"InstrumentationKey={'{'}x{'}'}"`,
  `f"Instrumentation{{Key=${KEY}"`,
  `r"instrumentationkey = ${KEY}"`,
  `"""InstrumentationKey=${KEY}"""`,
  `"${KEY}"`,
  `" ${KEY.toUpperCase()} "`,
  `"opencensus.ext.django.middleware.OpencensusMiddleware"`,
  `f"opencen{x}sus.ext.django.middleware.OpencensusMiddleware"`,
  `"Instrumentation" "Key=${KEY}"`,
  `"APPLICATIONINSIGHTS_CONNECTION_STRING"`,
  `"plain"`,
];
const VALUES = [
  ...STRINGS,
  '0.25',
  '-1',
  '1.0',
  '(0.5)',
  'os.getenv("APPLICATIONINSIGHTS_CONNECTION_STRING")',
  'cs',
  'logging.INFO',
  '20',
  'None',
];
const CALLEES = [
  'AzureExporter',
  'AzureLogHandler',
  'configure_azure_monitor',
  'ProbabilitySampler',
  'samplers.ProbabilitySampler',
  'ApplicationInsightsSampler',
  'metrics_exporter.new_metrics_exporter',
  'AzureMonitorTraceExporter',
  'logger.info',
  'logger.addHandler',
  'print',
  'Flask',
];

const name = fc.constantFrom(...NAMES);
const value = fc.constantFrom(...VALUES);
const argument = fc.oneof(
  value,
  fc.tuple(name, value).map(([n, v]) => `${n}=${v}`),
);
const call = fc
  .tuple(fc.constantFrom(...CALLEES), fc.array(argument, { maxLength: 3 }))
  .map(([callee, args]) => `${callee}(${args.join(', ')})`);
const expression = fc.oneof(
  value,
  call,
  fc.tuple(name, value).map(([n, v]) => `{"${n}": ${v}}`),
);
const simpleStatement = fc.oneof(
  expression,
  fc.tuple(name, expression).map(([n, e]) => `${n} = ${e}`),
  fc.tuple(fc.constantFrom(...STRINGS), expression).map(([k, e]) => `os.environ[${k}] = ${e}`),
  fc.constantFrom(
    'import opencensus',
    'from opencensus.ext.azure.trace_exporter import AzureExporter',
    'import opencensus.trace as t',
    'from  opencensus . trace import samplers',
    'import opentelemetry',
  ),
);
/** One top-level statement: simple, or inside a function, class, if or with block. */
const statement = fc.oneof(
  simpleStatement,
  fc
    .tuple(
      fc.constantFrom('def f(cs):', 'class Settings:', 'if x:', 'with open(p) as f:'),
      fc.array(simpleStatement, { minLength: 1, maxLength: 3 }),
    )
    .map(([head, body]) => [head, ...body.map((line) => `    ${line}`)].join('\n')),
);

/** A string's value read from its child nodes (contents and escapes, interpolations skipped). */
function literalFromChildren(node: Node): { value: string; interpolated: boolean } {
  let value = '';
  let interpolated = false;
  for (const child of node.namedChildren) {
    if (child?.type === 'interpolation') {
      interpolated = true;
    } else if (child?.type === 'string_content' || child?.type === 'escape_sequence') {
      value += child.text;
    }
  }
  return { value, interpolated };
}

/** String literals in every prefix, quote and escape form, including broken ones. */
const stringForm = fc
  .tuple(
    fc.constantFrom('', 'r', 'b', 'rb', 'Br', 'u', 'U', 'f', 'F', 'rf', 'fR', 't'),
    fc.constantFrom('"', "'", '"""', "'''"),
    fc.array(
      fc.constantFrom('a', 'InstrumentationKey=', KEY, ' ', '\\n', '\\"', "\\'", '\\\n', '\n', '{x}', '{{', '}}', '"', "'", '#', 'é'),
      {
        maxLength: 6,
      },
    ),
    fc.boolean(),
  )
  .map(([prefix, quote, parts, closed]) => `${prefix}${quote}${parts.join('')}${closed ? quote : ''}`);

describe('per-statement rule triggers and candidate nodes (issue 20)', () => {
  it('lose no finding on the sample app, the snippets and the server test files', async () => {
    const texts = [
      readFileSync(path.join(REPOSITORY_ROOT, 'samples', 'python-app', 'app.py'), 'utf8'),
      readFileSync(path.join(REPOSITORY_ROOT, 'samples', 'python-app', 'stdlib_telemetry.py'), 'utf8'),
      ...SNIPPETS.map((snippet) => renderStandalone(snippet.id)),
      lines(
        'from opencensus.ext.azure.log_exporter import AzureLogHandler',
        `exporter = AzureExporter(connection_string="${CS}", instrumentation_key="${KEY}")`,
        'class Settings:',
        `    IKEY = "${KEY}"`,
        '    sampler = ProbabilitySampler(0.25)',
        'MIDDLEWARE = ["opencensus.ext.django.middleware.OpencensusMiddleware"]',
      ),
    ];
    let findings = 0;
    for (const text of texts) {
      for (const settings of [DEFAULT_DIAGNOSTICS_SETTINGS, ...ONLY_ONE_RULE_OFF]) {
        findings += (await compare(text, settings)).findings;
      }
    }
    // The corpus must make the rules report, or the comparison proves nothing.
    assert.ok(findings > 20, String(findings));
  });

  it('a string read from its text equals the string read from its child nodes', async () => {
    let strings = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stringForm, { minLength: 1, maxLength: 4 }), async (forms) => {
        const text = lines(...forms.map((form, i) => `x${i} = ${form}`), `f(${forms.join(', ')})`);
        const tree = (await testParser()).parse(text);
        try {
          for (const node of tree.rootNode.descendantsOfType('string')) {
            if (node) {
              strings++;
              assert.deepStrictEqual(stringLiteral(node), literalFromChildren(node), `${node.text} in:\n${text}`);
            }
          }
        } finally {
          tree.delete();
        }
      }),
      { numRuns: 400 },
    );
    assert.ok(strings > 1000, String(strings));
  });

  it('lose no finding on generated statements (every rule, every string form, nested blocks)', async function () {
    this.timeout(120_000);
    const reported = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(statement, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(DEFAULT_DIAGNOSTICS_SETTINGS, ...ONLY_ONE_RULE_OFF),
        async (statements, settings) => {
          const text = lines(...statements);
          const tree = (await testParser()).parse(text);
          try {
            analyseIndex(indexSubtree(tree.rootNode, text), text, settings, undefined, false).forEach((f) => reported.add(f.rule));
          } finally {
            tree.delete();
          }
          await compare(text, settings);
        },
      ),
      { numRuns: 400 },
    );
    // Every rule that can report within one statement did so somewhere in the generated code.
    for (const rule of ['hardCodedConnectionString', 'instrumentationKey', 'openCensus', 'samplerRate', 'connectionStringArgument']) {
      assert.ok(reported.has(rule), `${rule} never reported: ${[...reported].join(', ')}`);
    }
  });
});
