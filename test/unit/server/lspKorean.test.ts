/**
 * The language server in the editor's language: started with locale "ko" it loads
 * l10n/bundle.l10n.ko.json (@vscode/l10n) and its diagnostics, quick fixes, hover and completion
 * details read Korean; the client's `initializationOptions.locale` wins over
 * `InitializeParams.locale`; a language without a bundle stays English.
 */
import * as assert from 'assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { DIAGNOSTIC_CODES as C } from '../../../src/shared/serverProtocol';
import { LspTestClient } from './lspClient';
import { lines, REPOSITORY_ROOT } from './pythonSamples';

const KEY = '3c6a1f52-8d0e-4b7a-9f21-5e4d2c1b0a99';
const CS = `InstrumentationKey=${KEY};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`;
const SAMPLE = lines(
  'from opencensus.ext.azure.trace_exporter import AzureExporter',
  `exporter = AzureExporter(connection_string="${CS}")`,
);
const HARD_CODED =
  "Hard-coded Application Insights connection string. A connection string in code overrides APPLICATIONINSIGHTS_CONNECTION_STRING (the local relay's during development, your settings in production), and it ends up in source control. Let the SDK read the environment variable.";

const korean = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;

describe('language server in Korean (locale "ko")', function () {
  // Each test starts its own server (a process, tree-sitter WASM): room for a loaded machine.
  this.timeout(60_000);
  const clients: LspTestClient[] = [];
  let counter = 0;

  before(function () {
    this.timeout(120_000);
    execFileSync(process.execPath, ['esbuild.mjs'], { cwd: REPOSITORY_ROOT, stdio: 'pipe' });
  });
  after(async () => {
    await Promise.all(clients.map((client) => client.stop()));
  });

  async function start(options: Parameters<typeof LspTestClient.start>[0]): Promise<LspTestClient> {
    const client = await LspTestClient.start(options);
    clients.push(client);
    return client;
  }

  async function hardCodedDiagnostic(client: LspTestClient) {
    const uri = `file:///work/korean_${++counter}.py`;
    const diagnostics = await client.open(uri, SAMPLE);
    const diagnostic = diagnostics.find((d) => d.code === C.hardCodedConnectionString);
    assert.ok(diagnostic, JSON.stringify(diagnostics));
    return { uri, diagnostic };
  }

  it('diagnostics, quick fixes, hover and completion details read Korean', async () => {
    const client = await start({ locale: 'ko' });
    const { uri, diagnostic } = await hardCodedDiagnostic(client);
    assert.strictEqual(diagnostic.message, korean[HARD_CODED]);
    assert.match(diagnostic.message, /^하드 코딩된 Application Insights 연결 문자열입니다\./);
    assert.strictEqual(diagnostic.source, 'Azure Monitor', 'the source and code stay stable');

    const titles = (await client.codeActions(uri, diagnostic.range, [diagnostic])).map((action) => action.title);
    assert.ok(titles.includes('connection_string= 제거(APPLICATIONINSIGHTS_CONNECTION_STRING 사용)'), titles.join('\n'));
    assert.ok(titles.includes('대신 VS Code SecretStorage에 저장'), titles.join('\n'));

    const hover = await client.hover(uri, { line: 1, character: 50 });
    const value = (hover?.contents as { value: string }).value;
    assert.match(value, /^\*\*Application Insights 연결 문자열\*\*/);
    assert.match(value, /\| 구성 요소 \| 값 \|/);
    assert.ok(value.includes('**Azure Monitor: 연결 문자열 설정**'), value);
    assert.ok(!value.includes(KEY), 'the key stays redacted');

    const empty = `file:///work/korean_${++counter}.py`;
    await client.open(empty, 'azm');
    const items = await client.completion(empty, { line: 0, character: 3 });
    const configure = items.find((item) => item.label === 'azmon_otel_configure');
    assert.strictEqual(configure?.detail, 'OpenTelemetry: Azure Monitor 구성');
    assert.match(
      (configure?.documentation as { value: string }).value,
      /^azure-monitor-opentelemetry 배포판의 configure_azure_monitor\(\)/,
    );
  });

  it('a message with arguments is filled in the Korean word order', async () => {
    const client = await start({ locale: 'ko' });
    const diagnostics = await client.open(
      `file:///work/korean_${++counter}.py`,
      lines('from opencensus.trace.samplers import ProbabilitySampler', 'sampler = ProbabilitySampler(1.5)'),
    );
    const diagnostic = diagnostics.find((d) => d.code === C.samplerRateOutOfRange);
    assert.strictEqual(
      diagnostic?.message,
      'ProbabilitySampler의 샘플링 비율은 0에서 1 사이여야 합니다(1.0이면 모두 유지). 1.5은(는) 이 범위를 벗어납니다.',
    );
  });

  it('initializationOptions.locale wins over InitializeParams.locale; a language without a bundle stays English', async () => {
    const fromOptions = await start({ locale: 'en', initializationOptions: { locale: 'ko' } });
    assert.strictEqual((await hardCodedDiagnostic(fromOptions)).diagnostic.message, korean[HARD_CODED]);
    const french = await start({ locale: 'fr' });
    assert.strictEqual((await hardCodedDiagnostic(french)).diagnostic.message, HARD_CODED);
  });
});
