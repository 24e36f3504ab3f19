/**
 * Which Python to use: the interpreter selected in the Python extension (ms-python.python, through
 * @vscode/python-extension) for the given file; without that extension, the order it would use
 * (`python.defaultInterpreterPath`, a workspace `.venv`/`venv`, then PATH), planned in
 * `src/core/python/interpreter.ts`.
 */
import * as vscode from 'vscode';
import { InterpreterSource, interpreterCandidates, resolveInterpreter } from '../core/python/interpreter';
import type { Logger } from './log';

export interface PythonInterpreter {
  /** Executable followed by its fixed arguments, e.g. ['py', '-3']. */
  readonly command: readonly string[];
  readonly source: InterpreterSource;
  readonly version?: string;
}

const PYTHON_EXTENSION_ID = 'ms-python.python';

export async function findPythonInterpreter(resource?: vscode.Uri, log?: Logger): Promise<PythonInterpreter | undefined> {
  return (await fromPythonExtension(resource)) ?? (await withoutPythonExtension(resource, log));
}

/** How the log and the user are told which Python runs: `.venv/bin/python (venv, Python 3.12.1)`. */
export function describeInterpreter(interpreter: PythonInterpreter): string {
  const where =
    interpreter.command[0].startsWith('/') || /^[A-Za-z]:[\\/]/.test(interpreter.command[0])
      ? vscode.workspace.asRelativePath(interpreter.command[0])
      : interpreter.command.join(' ');
  const source: Record<InterpreterSource, string> = {
    'python-extension': vscode.l10n.t('selected in the Python extension'),
    setting: 'python.defaultInterpreterPath',
    venv: vscode.l10n.t('workspace virtual environment'),
    path: 'PATH',
  };
  return interpreter.version
    ? `${where} (${source[interpreter.source]}, Python ${interpreter.version})`
    : `${where} (${source[interpreter.source]})`;
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
    const version = environment?.version
      ? `${environment.version.major}.${environment.version.minor}.${environment.version.micro}`
      : undefined;
    return { command: [executable], source: 'python-extension', version };
  } catch {
    return undefined; // an old or broken Python extension: fall back to what it would have chosen
  }
}

async function withoutPythonExtension(resource: vscode.Uri | undefined, log: Logger | undefined): Promise<PythonInterpreter | undefined> {
  const folder = (resource && vscode.workspace.getWorkspaceFolder(resource)) ?? vscode.workspace.workspaceFolders?.[0];
  // Read even though no extension registers it here: users keep it in their settings for when it is.
  const defaultInterpreterPath = vscode.workspace.getConfiguration('python', resource ?? folder?.uri).get<string>('defaultInterpreterPath');
  const candidates = interpreterCandidates({
    defaultInterpreterPath,
    workspaceFolder: folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined,
  });
  const resolved = await resolveInterpreter(candidates);
  for (const reason of resolved?.skipped ?? []) log?.warn(`Python interpreter passed over: ${reason}`);
  return resolved && { command: resolved.command, source: resolved.source, version: resolved.version };
}
