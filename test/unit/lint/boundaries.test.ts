/**
 * The layer boundaries in eslint.config.mjs, checked with planted code: each forbidden import is
 * reported in the layer it is forbidden in, and the same import is allowed where it belongs (so
 * the rule cannot pass by reporting nothing, nor by reporting everything).
 */
import * as assert from 'assert';
import { ESLint } from 'eslint';
import * as path from 'path';
import { REPO_ROOT } from '../../harness/paths';

async function restrictedImportsIn(relativePath: string, source: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const [result] = await eslint.lintText(source, { filePath: path.join(REPO_ROOT, relativePath) });
  return result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('Lint: layer boundaries the build enforces', function () {
  this.timeout(60_000);

  for (const file of [
    'src/core/planted.ts',
    'src/core/relay/planted.ts',
    'src/server/planted.ts',
    'src/shared/planted.ts',
    'src/webview/planted.ts',
  ]) {
    it(`refuses \`import * as vscode\` in ${file}`, async () => {
      const problems = await restrictedImportsIn(file, "import * as vscode from 'vscode';\nexport const planted = vscode;\n");
      assert.strictEqual(problems.length, 1, `expected one boundary error, got ${JSON.stringify(problems)}`);
      assert.match(problems[0], /vscode/);
    });
  }

  it('allows vscode in src/extension and in the extension-host tests', async () => {
    assert.deepStrictEqual(
      await restrictedImportsIn('src/extension/planted.ts', "import * as vscode from 'vscode';\nexport const planted = vscode;\n"),
      [],
    );
    assert.deepStrictEqual(
      await restrictedImportsIn('test/exthost/suite/planted.ts', "import * as vscode from 'vscode';\nexport const planted = vscode;\n"),
      [],
    );
  });

  it('refuses imports from src/extension in src/core and src/server', async () => {
    assert.strictEqual(
      (await restrictedImportsIn('src/core/planted.ts', "import { log } from '../extension/log';\nexport const planted = log;\n")).length,
      1,
    );
    assert.strictEqual(
      (
        await restrictedImportsIn(
          'src/server/analysis/planted.ts',
          "import { log } from '../../extension/log';\nexport const planted = log;\n",
        )
      ).length,
      1,
    );
  });

  it('refuses Node built-ins in the webview, with or without the node: prefix, and allows them in src/core', async () => {
    assert.strictEqual(
      (await restrictedImportsIn('src/webview/planted.ts', "import * as fs from 'fs';\nexport const planted = fs;\n")).length,
      1,
    );
    assert.strictEqual(
      (
        await restrictedImportsIn(
          'src/webview/planted.ts',
          "import { createServer } from 'node:http';\nexport const planted = createServer;\n",
        )
      ).length,
      1,
    );
    assert.deepStrictEqual(await restrictedImportsIn('src/core/planted.ts', "import * as fs from 'fs';\nexport const planted = fs;\n"), []);
  });

  it('refuses imports of src/core or src/extension from the webview, and allows src/shared', async () => {
    assert.strictEqual(
      (
        await restrictedImportsIn(
          'src/webview/planted.ts',
          "import { TelemetryStore } from '../core/store';\nexport const planted = TelemetryStore;\n",
        )
      ).length,
      1,
    );
    assert.deepStrictEqual(
      await restrictedImportsIn(
        'src/webview/planted.ts',
        "import type { TableName } from '../shared/messages';\nexport type Planted = TableName;\n",
      ),
      [],
    );
  });
});
