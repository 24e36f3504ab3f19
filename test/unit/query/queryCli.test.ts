/**
 * `azmon-relay query` against a relay that the real applicationinsights SDK (a child process, see
 * test/unit/peers) sent to, and the golden queries through the same command against a relay that
 * received the fixture over HTTP. The built CLI runs as a child process for exit codes and stderr.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import { runQueryCommand } from '../../../src/core/query/cli';
import { LocalOnlySink, RelayServer } from '../../../src/core/relay';
import { TelemetryStore } from '../../../src/core/store';
import type { ClassicPeerReport } from '../../peers-fixtures/classicPeer';
import { newRunId, runPeer } from '../peers/peerProcess';
import { buildCli } from '../relay/cliProcess';
import { CAPTURE_KEY, send, tempDir } from '../relay/helpers';
import { GOLDEN_CASES, loadQueryFixture } from './goldenCases';

function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, AZMON_RELAY_KEY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runQueryCommand(
    args,
    (text) => (stdout += text),
    (text) => (stderr += text),
  );
  return { code, stdout, stderr };
}

describe('azmon-relay query', function () {
  this.timeout(120_000);
  let cli: string;
  before(async () => {
    cli = await buildCli();
  });

  describe('against a relay the applicationinsights SDK sent to', () => {
    let relay: RelayServer;
    let report: ClassicPeerReport;
    before(async () => {
      relay = await RelayServer.start({ sink: new LocalOnlySink(), store: new TelemetryStore(), tlsDir: tempDir('query-peer-tls-') });
      report = await runPeer<ClassicPeerReport>('classicPeer', relay, newRunId());
    });
    after(() => relay.close());

    it('prints JSON lines of what the app sent', async () => {
      const result = await runCli(cli, [
        'query',
        '--url',
        relay.url,
        '--key',
        relay.localKey,
        'union requests, dependencies, customEvents | project itemType, name | order by itemType asc',
      ]);
      assert.strictEqual(result.code, 0, result.stderr);
      assert.deepStrictEqual(
        result.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line)),
        [
          { itemType: 'customEvent', name: report.event.name },
          { itemType: 'dependency', name: report.dependency.name },
          { itemType: 'request', name: report.request.name },
        ],
      );
    });

    it('answers the test-suite question "did the app send a failure?"', async () => {
      const result = await runCli(cli, ['query', '--url', relay.url, '--key', relay.localKey, 'requests | where success == false | count']);
      assert.strictEqual(result.stdout, '{"Count":0}\n');
      const runId = await runCli(cli, [
        'query',
        '--url',
        relay.url,
        '--key',
        relay.localKey,
        `traces | where customDimensions["peer.run"] == "${report.runId}" | project message, severityLevel`,
      ]);
      assert.strictEqual(runId.stdout, `${JSON.stringify({ message: report.trace.message, severityLevel: 2 })}\n`);
    });

    it('prints a table and CSV', async () => {
      const table = await runCli(cli, [
        'query',
        '--url',
        relay.url,
        '--key',
        relay.localKey,
        '--format',
        'table',
        'exceptions | project type, outerMessage',
      ]);
      assert.strictEqual(table.code, 0, table.stderr);
      const lines = table.stdout.trimEnd().split('\n');
      assert.match(lines[0], /^type\s+outerMessage$/);
      assert.match(lines[1], /^-+\s+-+$/);
      assert.match(lines[2], new RegExp(`^RangeError\\s+${report.exception.message}$`));
      const csv = await runCli(cli, [
        'query',
        '--url',
        relay.url,
        '--key',
        relay.localKey,
        '--format=csv',
        'customEvents | project name, n = 1',
      ]);
      assert.strictEqual(csv.stdout, `name,n\r\n${report.event.name},1\r\n`);
    });

    it('exits 1 with the error, line and caret on stderr for a wrong query', async () => {
      const result = await runCli(cli, ['query', '--url', relay.url, '--key', relay.localKey, 'requests | where sucess == false']);
      assert.strictEqual(result.code, 1);
      assert.strictEqual(result.stdout, '');
      assert.match(result.stderr, /Unknown column "sucess" \(line 1, column 18\)/);
      assert.ok(result.stderr.includes(`  requests | where sucess == false\n  ${' '.repeat(17)}^\n`), result.stderr);
    });

    it('exits 1 on a wrong key, and 2 on usage errors', async () => {
      const wrongKey = await runCli(cli, ['query', '--url', relay.url, '--key', '11111111-2222-3333-4444-555555555555', 'requests']);
      assert.strictEqual(wrongKey.code, 1);
      assert.match(wrongKey.stderr, /local key/);
      const fromEnv = await runCli(cli, ['query', '--url', relay.url, 'requests | count'], { AZMON_RELAY_KEY: relay.localKey });
      assert.strictEqual(fromEnv.stdout, '{"Count":1}\n');
      for (const args of [
        ['requests'],
        ['--url', relay.url, '--key', relay.localKey],
        ['--url', 'http://example.com/', '--key', 'k', 'requests'],
        ['--url', relay.url, '--key', 'k', '--format', 'xml', 'requests'],
      ]) {
        const usage = await runCli(cli, ['query', ...args]);
        assert.strictEqual(usage.code, 2, args.join(' '));
        assert.match(usage.stderr, /Usage: azmon-relay query/);
      }
    });

    it('exits 1 when no relay listens there', async () => {
      const closed = await RelayServer.start({ sink: new LocalOnlySink(), store: new TelemetryStore(), httpsPort: false });
      const url = closed.url;
      await closed.close();
      const result = await runCli(cli, ['query', '--url', url, '--key', relay.localKey, 'requests']);
      assert.strictEqual(result.code, 1);
      assert.match(result.stderr, /Could not reach the relay/);
    });
  });

  describe('the golden queries through the command', () => {
    let relay: RelayServer;
    before(async () => {
      relay = await RelayServer.start({ sink: new LocalOnlySink(), store: new TelemetryStore(), httpsPort: false, localKey: CAPTURE_KEY });
      const reply = await send(relay.port, {
        body: JSON.stringify(loadQueryFixture().map((envelope) => ({ ...envelope, iKey: CAPTURE_KEY }))),
      });
      assert.strictEqual(reply.status, 200, reply.text);
    });
    after(() => relay.close());

    // ago()/now() run on the relay's clock, not the fixture's "now".
    for (const golden of GOLDEN_CASES.filter((candidate) => !candidate.clock)) {
      it(golden.query, async () => {
        const result = await inProcess(['--url', relay.url, '--key', CAPTURE_KEY, golden.query]);
        assert.strictEqual(result.code, 0, result.stderr);
        const expected = golden.rows.map((row) =>
          JSON.stringify(Object.fromEntries(golden.columns.map((column, index) => [column, row[index]]))),
        );
        assert.deepStrictEqual(
          result.stdout.split('\n').filter((line) => line !== ''),
          expected,
        );
      });
    }
  });
});
