/**
 * Which Python to use: the interpreter selected in the Python extension (ms-python.python, through
 * @vscode/python-extension) for the given file, else `python3` / `py -3` / `python` from PATH.
 */
import { execFile } from 'child_process';
import * as vscode from 'vscode';

export interface PythonInterpreter {
  /** Executable followed by its fixed arguments, e.g. ['py', '-3']. */
  readonly command: readonly string[];
  readonly source: 'python-extension' | 'path';
  readonly version?: string;
}

const PYTHON_EXTENSION_ID = 'ms-python.python';

export async function findPythonInterpreter(resource?: vscode.Uri): Promise<PythonInterpreter | undefined> {
  return (await fromPythonExtension(resource)) ?? (await fromPath());
}

async function fromPythonExtension(resource?: vscode.Uri): Promise<PythonInterpreter | undefined> {
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) {
    return undefined;
  }
  try {
    // Loaded lazily: the module only makes sense when the Python extension is installed.
    const { PythonExtension } = await import('@vscode/python-extension');
    const api = await PythonExtension.api();
    const environmentPath = api.environments.getActiveEnvironmentPath(resource);
    const environment = await api.environments.resolveEnvironment(environmentPath);
    const executable = environment?.executable.uri?.fsPath;
    if (!executable) {
      return undefined;
    }
    const version = environment?.version ? `${environment.version.major}.${environment.version.minor}.${environment.version.micro}` : undefined;
    return { command: [executable], source: 'python-extension', version };
  } catch {
    return undefined; // an old or broken Python extension: fall back to PATH
  }
}

async function fromPath(): Promise<PythonInterpreter | undefined> {
  const candidates: string[][] = process.platform === 'win32' ? [['py', '-3'], ['python']] : [['python3'], ['python']];
  for (const candidate of candidates) {
    const version = await pythonVersion(candidate);
    if (version) {
      return { command: candidate, source: 'path', version };
    }
  }
  return undefined;
}

function pythonVersion(command: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command[0], [...command.slice(1), '--version'], { timeout: 10_000, windowsHide: true }, (error, stdout, stderr) => {
      const match = /Python (\d+\.\d+\.\d+)/.exec(`${stdout}${stderr}`);
      resolve(error || !match ? undefined : match[1]);
    });
  });
}
