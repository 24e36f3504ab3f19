import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expandInterpreterSetting, interpreterCandidates, resolveInterpreter, venvExecutable } from '../../../src/core/python/interpreter';

/** A fake Python: answers `--version` like Python does (the real probe runs it). */
function fakePython(file: string, version = '3.12.1'): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\necho "Python ${version}"\n`, { mode: 0o755 });
  return file;
}

describe('interpreter resolution without the Python extension', () => {
  let workspace: string;
  let home: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-interp-'));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-home-'));
  });
  afterEach(() => {
    fs.rmSync(workspace, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('expands ${workspaceFolder}, ${userHome} and ~, and resolves a relative path from the folder', () => {
    assert.strictEqual(expandInterpreterSetting('${workspaceFolder}/.env/bin/python', workspace, home), `${workspace}/.env/bin/python`);
    assert.strictEqual(expandInterpreterSetting('${userHome}/py/bin/python', workspace, home), `${home}/py/bin/python`);
    assert.strictEqual(expandInterpreterSetting('~/py/bin/python', workspace, home), `${home}/py/bin/python`);
    assert.strictEqual(expandInterpreterSetting('env/bin/python', workspace, home), path.join(workspace, 'env/bin/python'));
    assert.strictEqual(expandInterpreterSetting('python3.12', workspace, home), 'python3.12', 'a bare name is a command for PATH');
  });

  it('treats the unset default ("python"), blanks and a ${workspaceFolder} without a folder as not set', () => {
    assert.strictEqual(expandInterpreterSetting('python', workspace, home), undefined);
    assert.strictEqual(expandInterpreterSetting('  ', workspace, home), undefined);
    assert.strictEqual(expandInterpreterSetting(undefined, workspace, home), undefined);
    assert.strictEqual(expandInterpreterSetting('${workspaceFolder}/.venv/bin/python', undefined, home), undefined);
  });

  it('orders the setting, then .venv, then venv, then python3 / python / py -3', () => {
    const dotVenv = fakePython(venvExecutable(path.join(workspace, '.venv'), 'linux'));
    const venv = fakePython(venvExecutable(path.join(workspace, 'venv'), 'linux'));
    const candidates = interpreterCandidates({
      defaultInterpreterPath: '${workspaceFolder}/custom/bin/python',
      workspaceFolder: workspace,
      platform: 'linux',
      homeDir: home,
    });
    assert.deepStrictEqual(
      candidates.map((candidate) => [candidate.source, candidate.command.join(' ')]),
      [
        ['setting', `${workspace}/custom/bin/python`],
        ['venv', dotVenv],
        ['venv', venv],
        ['path', 'python3'],
        ['path', 'python'],
        ['path', 'py -3'],
      ],
    );
  });

  it('finds a Windows venv by its Scripts\\python.exe layout, and ignores a venv folder without an interpreter', () => {
    fs.mkdirSync(path.join(workspace, '.venv', 'bin'), { recursive: true }); // a POSIX layout: not a Windows venv
    const windows = venvExecutable(path.join(workspace, 'venv'), 'win32');
    fs.mkdirSync(path.dirname(windows), { recursive: true });
    fs.writeFileSync(windows, '');
    const candidates = interpreterCandidates({ workspaceFolder: workspace, platform: 'win32', homeDir: home });
    assert.deepStrictEqual(
      candidates.filter((candidate) => candidate.source === 'venv').map((candidate) => candidate.command[0]),
      [windows],
    );
    assert.ok(windows.endsWith(path.join('venv', 'Scripts', 'python.exe')));
  });

  it('runs the candidates: a missing setting falls through to the workspace venv, and says why', async () => {
    const dotVenv = fakePython(venvExecutable(path.join(workspace, '.venv'), 'linux'), '3.11.9');
    const candidates = interpreterCandidates({
      defaultInterpreterPath: '${workspaceFolder}/gone/bin/python',
      workspaceFolder: workspace,
      platform: 'linux',
      homeDir: home,
    });
    const resolved = await resolveInterpreter(candidates);
    assert.ok(resolved);
    assert.deepStrictEqual(resolved.command, [dotVenv]);
    assert.strictEqual(resolved.source, 'venv');
    assert.strictEqual(resolved.version, '3.11.9');
    assert.strictEqual(resolved.skipped.length, 1);
    assert.match(resolved.skipped[0], /gone\/bin\/python \(setting\): did not run as Python/);
  });

  it('uses the configured interpreter when it runs, ahead of a workspace venv', async () => {
    const configured = fakePython(path.join(home, 'envs', 'app', 'bin', 'python'), '3.13.0');
    fakePython(venvExecutable(path.join(workspace, '.venv'), 'linux'));
    const resolved = await resolveInterpreter(
      interpreterCandidates({
        defaultInterpreterPath: '~/envs/app/bin/python',
        workspaceFolder: workspace,
        platform: 'linux',
        homeDir: home,
      }),
    );
    assert.deepStrictEqual(resolved?.command, [configured]);
    assert.strictEqual(resolved?.source, 'setting');
  });

  it('passes over a Python 2 and returns undefined when nothing answers', async () => {
    const python2 = fakePython(path.join(workspace, 'old', 'python'), '2.7.18');
    const probe = async (command: readonly string[]) => (command[0] === python2 ? '2.7.18' : undefined);
    const resolved = await resolveInterpreter(
      [
        { command: [python2], source: 'setting' },
        { command: ['nothing-here'], source: 'path' },
      ],
      probe,
    );
    assert.strictEqual(resolved, undefined);
    const real = await resolveInterpreter([
      { command: [python2], source: 'setting' },
      { command: [fakePython(path.join(workspace, 'new', 'python'))], source: 'venv' },
    ]);
    assert.strictEqual(real?.source, 'venv');
    assert.match(real!.skipped[0], /Python 2\.7\.18 is not Python 3/);
  });
});
