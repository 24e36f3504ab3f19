/**
 * Telemetry paths → workspace files, on a real temporary directory tree: the workspace, a file
 * outside it, a symlink out of it. Only a real path inside a workspace folder opens directly.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { resolveSourcePath } from '../../../src/core/source';

describe('source: resolving telemetry paths to the workspace', () => {
  let root: string;
  let workspace: string;
  let outsideFile: string;
  beforeEach(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-source-')));
    workspace = path.join(root, 'workspace');
    fs.mkdirSync(path.join(workspace, 'orders'), { recursive: true });
    fs.writeFileSync(path.join(workspace, 'app.py'), 'print(1)\n');
    fs.writeFileSync(path.join(workspace, 'orders', 'views.py'), 'x = 1\n');
    outsideFile = path.join(root, 'secret.txt');
    fs.writeFileSync(outsideFile, 'secret\n');
    fs.symlinkSync(outsideFile, path.join(workspace, 'innocent.py'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const resolve = (file: string, cwd?: string) => resolveSourcePath(file, { workspaceFolders: [workspace], cwd });

  it('an absolute path in the workspace opens directly', async () => {
    assert.deepStrictEqual(await resolve(path.join(workspace, 'orders', 'views.py')), {
      kind: 'workspace',
      path: path.join(workspace, 'orders', 'views.py'),
      library: false,
    });
  });

  it("a relative path: against the run's working directory, then the workspace folders", async () => {
    assert.deepStrictEqual(await resolve('views.py', path.join(workspace, 'orders')), {
      kind: 'workspace',
      path: path.join(workspace, 'orders', 'views.py'),
      library: false,
    });
    assert.deepStrictEqual(await resolve('orders/views.py'), {
      kind: 'workspace',
      path: path.join(workspace, 'orders', 'views.py'),
      library: false,
    });
  });

  it("a path from another machine maps by its longest trailing part (the captures' /home/dev/app/…)", async () => {
    assert.deepStrictEqual(await resolve('/home/dev/app/orders/views.py'), {
      kind: 'workspace',
      path: path.join(workspace, 'orders', 'views.py'),
      library: false,
    });
    assert.deepStrictEqual(await resolve('file:///srv/app.py'), {
      kind: 'workspace',
      path: path.join(workspace, 'app.py'),
      library: false,
    });
  });

  it('../../ out of the workspace is "outside" (the user confirms), never "workspace"', async () => {
    const relative = path.relative(workspace, outsideFile); // ../secret.txt
    assert.deepStrictEqual(await resolve(relative), { kind: 'outside', path: outsideFile, library: false });
    assert.deepStrictEqual(await resolve(`orders/../../${path.basename(outsideFile)}`), {
      kind: 'outside',
      path: outsideFile,
      library: false,
    });
    assert.deepStrictEqual(await resolve(outsideFile), { kind: 'outside', path: outsideFile, library: false });
  });

  it('a symlink in the workspace that points out of it is "outside", by its real path', async () => {
    assert.deepStrictEqual(await resolve(path.join(workspace, 'innocent.py')), { kind: 'outside', path: outsideFile, library: false });
  });

  it('../../etc/passwd that does not exist is refused; no workspace file named passwd is guessed from a ".." path', async () => {
    fs.writeFileSync(path.join(workspace, 'passwd'), '');
    const result = await resolve('../../../../../../../../nowhere/passwd');
    assert.deepStrictEqual(result, { kind: 'refused', reason: 'notFound' });
  });

  it('UNC paths, file://host URLs, encoded controls and other schemes are refused without touching the disk', async () => {
    const touched: string[] = [];
    for (const file of [
      '\\\\host\\share\\x.py',
      '//host/share/x.py',
      'file://host/share/app.py',
      'file:///srv/app%0a.py',
      'file:////host/share/app.py',
      'https://example.com/app.py',
      'node:internal/x',
      '/srv/app.py\u0007',
    ]) {
      const result = await resolveSourcePath(file, {
        workspaceFolders: [workspace],
        realFile: async (candidate) => (touched.push(candidate), undefined),
      });
      assert.deepStrictEqual(result, { kind: 'refused', reason: 'unsafe' }, file);
    }
    assert.deepStrictEqual(touched, []);
  });

  it('library frames are not mapped into the workspace by name', async () => {
    fs.mkdirSync(path.join(workspace, 'flask'));
    fs.writeFileSync(path.join(workspace, 'flask', 'app.py'), '');
    assert.deepStrictEqual(await resolve('/usr/lib/python3/dist-packages/flask/app.py'), { kind: 'refused', reason: 'notFound' });
  });

  it('a file that exists where the app said wins over a same-named workspace file (then the user confirms)', async () => {
    const elsewhere = path.join(root, 'other-project');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'app.py'), '');
    assert.deepStrictEqual(await resolve(path.join(elsewhere, 'app.py')), {
      kind: 'outside',
      path: path.join(elsewhere, 'app.py'),
      library: false,
    });
  });
});
