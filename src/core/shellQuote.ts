/**
 * Builds a command line for a VS Code terminal: POSIX shells (bash, zsh, sh) or PowerShell, the
 * default on Windows. Plain Node: never import `vscode` here.
 */

/** Backslash is an escape character for POSIX shells, a path separator for PowerShell. */
const SAFE: Record<ShellKind, RegExp> = {
  posix: /^[\w@%+=:,./-]+$/,
  powershell: /^[\w@%+=:,./\\-]+$/,
};

export type ShellKind = 'posix' | 'powershell';

export function defaultShellKind(platform: NodeJS.Platform = process.platform): ShellKind {
  return platform === 'win32' ? 'powershell' : 'posix';
}

export function quoteArgument(argument: string, shell: ShellKind): string {
  if (argument !== '' && SAFE[shell].test(argument)) {
    return argument;
  }
  return shell === 'powershell' ? `'${argument.replace(/'/g, "''")}'` : `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** PowerShell runs a quoted executable path only with the call operator `&`. */
export function commandLine(argv: readonly string[], shell: ShellKind): string {
  const quoted = argv.map((argument) => quoteArgument(argument, shell));
  if (shell === 'powershell' && quoted.length > 0 && quoted[0] !== argv[0]) {
    quoted[0] = `& ${quoted[0]}`;
  }
  return quoted.join(' ');
}
