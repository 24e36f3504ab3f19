/**
 * Which Python to run when the Python extension is not there to say, in the order that extension
 * would use: the `python.defaultInterpreterPath` setting (`${workspaceFolder}` and `~` expanded),
 * then a virtual environment in the workspace (`.venv`, `venv`), then `python3`/`python`/`py -3`
 * from PATH. Each candidate is probed with `--version`, so a stale setting or a broken venv falls
 * through to the next one and says why.
 *
 * Plain Node: never import `vscode` here.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export type InterpreterSource = 'python-extension' | 'setting' | 'venv' | 'path';

export interface InterpreterCandidate {
  /** Executable followed by its fixed arguments, e.g. ['py', '-3']. */
  readonly command: readonly string[];
  readonly source: InterpreterSource;
}

export interface CandidateOptions {
  /** The raw `python.defaultInterpreterPath` value, if any. */
  readonly defaultInterpreterPath?: string;
  /** The workspace folder of the file being run (venvs are looked for there). */
  readonly workspaceFolder?: string;
  readonly platform?: NodeJS.Platform;
  readonly homeDir?: string;
  /** Whether a file exists; injectable for tests. */
  readonly exists?: (file: string) => boolean;
}

/** The Python extension's default for the setting: it means "not chosen", not "this one". */
const UNSET_DEFAULT = 'python';
const VENV_FOLDERS = ['.venv', 'venv'] as const;

/**
 * The setting's value as a path or command: `${workspaceFolder}`, `${userHome}` and a leading `~`
 * expanded, a relative path taken from the workspace folder. Undefined when it is empty or the
 * unset default, or names a workspace folder there is none of.
 */
export function expandInterpreterSetting(
  value: string | undefined,
  workspaceFolder: string | undefined,
  homeDir: string = os.homedir(),
): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed || trimmed === UNSET_DEFAULT) return undefined;
  if (/\$\{workspaceFolder(?::[^}]*)?\}/.test(trimmed) && !workspaceFolder) return undefined;
  let expanded = trimmed
    .replace(/\$\{workspaceFolder(?::[^}]*)?\}/g, () => workspaceFolder ?? '')
    .replace(/\$\{userHome\}/g, () => homeDir);
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) expanded = homeDir + expanded.slice(1);
  // A bare name (`python3.12`) is a command for PATH; anything with a separator is a path.
  const isBareName = !/[\\/]/.test(expanded);
  if (!isBareName && !path.isAbsolute(expanded) && workspaceFolder) expanded = path.resolve(workspaceFolder, expanded);
  return expanded;
}

/** The executable inside a venv folder: `bin/python` on POSIX, `Scripts/python.exe` on Windows. */
export function venvExecutable(venvFolder: string, platform: NodeJS.Platform = process.platform): string {
  // Joined with the host's separators: the layout follows `platform`, the path the machine it runs on.
  return platform === 'win32' ? path.join(venvFolder, 'Scripts', 'python.exe') : path.join(venvFolder, 'bin', 'python');
}

export function interpreterCandidates(options: CandidateOptions): InterpreterCandidate[] {
  const platform = options.platform ?? process.platform;
  const exists = options.exists ?? fileExists;
  const candidates: InterpreterCandidate[] = [];
  const configured = expandInterpreterSetting(options.defaultInterpreterPath, options.workspaceFolder, options.homeDir);
  if (configured) candidates.push({ command: [configured], source: 'setting' });
  if (options.workspaceFolder) {
    for (const folder of VENV_FOLDERS) {
      const executable = venvExecutable(path.join(options.workspaceFolder, folder), platform);
      if (exists(executable)) candidates.push({ command: [executable], source: 'venv' });
    }
  }
  candidates.push(
    { command: ['python3'], source: 'path' },
    { command: ['python'], source: 'path' },
    { command: ['py', '-3'], source: 'path' },
  );
  return candidates;
}

export interface ResolvedInterpreter extends InterpreterCandidate {
  readonly version: string;
  /** Candidates tried before this one and why they were passed over (for the log). */
  readonly skipped: readonly string[];
}

export type VersionProbe = (command: readonly string[]) => Promise<string | undefined>;

/** The first candidate that answers `--version` as Python 3; undefined when none does. */
export async function resolveInterpreter(
  candidates: readonly InterpreterCandidate[],
  probe: VersionProbe = probePythonVersion,
): Promise<ResolvedInterpreter | undefined> {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    const version = await probe(candidate.command);
    if (version && version.startsWith('3.')) return { ...candidate, version, skipped };
    skipped.push(
      `${candidate.command.join(' ')} (${candidate.source}): ${version ? `Python ${version} is not Python 3` : 'did not run as Python'}`,
    );
  }
  return undefined;
}

/** `Python 3.12.1` from `--version` (stdout or stderr), run directly: no shell. */
export function probePythonVersion(command: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      command[0],
      [...command.slice(1), '--version'],
      { timeout: 10_000, windowsHide: true, maxBuffer: 64 * 1024 },
      (error, stdout, stderr) => {
        const match = /Python (\d+\.\d+\.\d+)/.exec(`${stdout}${stderr}`);
        resolve(error || !match ? undefined : match[1]);
      },
    );
  });
}

function fileExists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
