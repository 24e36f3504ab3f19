/**
 * A stand-in for Python (not for our code): a shell script laid out like a venv's interpreter
 * (`<workspace>/.fakevenv/bin/python`) that records every call's arguments, answers `--version`,
 * and makes `-m pip install X` fail the way offline pip does ("No matching distribution found for
 * X"), or succeed when `pip-ok` exists beside it. Pointed at by the workspace's
 * `python.defaultInterpreterPath`, written to `.vscode/settings.json` as a user would (no Python
 * extension registers the setting here, so the API cannot write it).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { eventually } from './extensionApi';

export const FAKE_INTERPRETER_SETTING = '${workspaceFolder}/.fakevenv/bin/python';

const SCRIPT = `#!/bin/sh
here="$(dirname "$0")"
printf '%s\\n' "$*" >> "$here/argv.log"
case "$1" in
  --version) echo "Python 3.12.1"; exit 0 ;;
  -c) exit 0 ;;
  -m)
    if [ "$2" = pip ]; then
      shift 3
      echo "Collecting $1"
      if [ -f "$here/pip-ok" ]; then echo "Successfully installed $*"; exit 0; fi
      echo "ERROR: Could not find a version that satisfies the requirement $1 (from versions: none)" >&2
      echo "ERROR: No matching distribution found for $1" >&2
      exit 1
    fi ;;
esac
exit 0
`;

export class FakePython {
  readonly binDir: string;
  readonly executable: string;
  private readonly settingsFile: string;

  constructor(readonly workspace: string) {
    this.binDir = path.join(workspace, '.fakevenv', 'bin');
    this.executable = path.join(this.binDir, 'python');
    this.settingsFile = path.join(workspace, '.vscode', 'settings.json');
  }

  /** Writes the script and the setting, and waits until VS Code has read the setting. */
  async install(): Promise<void> {
    fs.mkdirSync(this.binDir, { recursive: true });
    fs.writeFileSync(this.executable, SCRIPT, { mode: 0o755 });
    fs.rmSync(this.logFile, { force: true });
    this.pipSucceeds(false);
    const settings = fs.existsSync(this.settingsFile)
      ? (JSON.parse(fs.readFileSync(this.settingsFile, 'utf8')) as Record<string, unknown>)
      : {};
    fs.mkdirSync(path.dirname(this.settingsFile), { recursive: true });
    fs.writeFileSync(
      this.settingsFile,
      JSON.stringify({ ...settings, 'python.defaultInterpreterPath': FAKE_INTERPRETER_SETTING }, null, 2),
    );
    await eventually(
      'VS Code reads python.defaultInterpreterPath',
      () => vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath') === FAKE_INTERPRETER_SETTING,
      30_000,
    );
  }

  async uninstall(): Promise<void> {
    if (!fs.existsSync(this.settingsFile)) return;
    const settings = JSON.parse(fs.readFileSync(this.settingsFile, 'utf8')) as Record<string, unknown>;
    delete settings['python.defaultInterpreterPath'];
    fs.writeFileSync(this.settingsFile, JSON.stringify(settings, null, 2));
    await eventually(
      'VS Code forgets python.defaultInterpreterPath',
      () => vscode.workspace.getConfiguration('python').get<string>('defaultInterpreterPath') === undefined,
      30_000,
    );
  }

  get logFile(): string {
    return path.join(this.binDir, 'argv.log');
  }

  /** Every recorded call's arguments, one line each. */
  calls(): string[] {
    return fs.existsSync(this.logFile)
      ? fs
          .readFileSync(this.logFile, 'utf8')
          .split('\n')
          .filter((line) => line !== '')
      : [];
  }

  pipSucceeds(ok: boolean): void {
    const marker = path.join(this.binDir, 'pip-ok');
    if (ok) fs.writeFileSync(marker, '');
    else fs.rmSync(marker, { force: true });
  }
}
