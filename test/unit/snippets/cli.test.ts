import * as assert from 'assert';
import { renderStandalone, runSnippetsCommand, SNIPPETS } from '../../../src/core/snippets';

function run(args: string[]): { code: number; output: string } {
  let output = '';
  const code = runSnippetsCommand(args, (text) => {
    output += text;
  });
  return { code, output };
}

describe('runSnippetsCommand (azmon-relay snippets …)', () => {
  it('list prints every snippet as JSON with id, title, sdk, signal, framework and packages', () => {
    const { code, output } = run(['list']);
    assert.strictEqual(code, 0);
    const listed = JSON.parse(output) as Record<string, unknown>[];
    assert.strictEqual(listed.length, SNIPPETS.length);
    for (const entry of listed) {
      assert.deepStrictEqual(Object.keys(entry).sort(), ['framework', 'id', 'packages', 'sdk', 'signal', 'title']);
    }
    assert.deepStrictEqual(
      listed.find((e) => e.id === 'opencensus-logs'),
      {
        id: 'opencensus-logs',
        title: 'OpenCensus: logs',
        sdk: 'opencensus',
        signal: 'logs',
        framework: 'none',
        packages: ['opencensus-ext-azure'],
      },
    );
  });

  it('render ID prints the standalone Python text', () => {
    const { code, output } = run(['render', 'otel-flask']);
    assert.strictEqual(code, 0);
    assert.strictEqual(output, renderStandalone('otel-flask'));
  });

  it('render of an unknown id names the known ones and fails', () => {
    const { code, output } = run(['render', 'otel-cobol']);
    assert.notStrictEqual(code, 0);
    assert.match(output, /Unknown snippet "otel-cobol"/);
    assert.match(output, /otel-configure/);
  });

  it('anything else prints the usage and fails', () => {
    for (const args of [[], ['frobnicate'], ['render'], ['list', 'extra'], ['render', 'otel-flask', 'extra']]) {
      const { code, output } = run(args);
      assert.strictEqual(code, 1, JSON.stringify(args));
      assert.match(output, /^Usage: azmon-relay snippets list/);
    }
  });
});
