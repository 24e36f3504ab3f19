/**
 * After a snippet went in: which of its pip packages the file's interpreter lacks, and an offer to
 * install them with `azureMonitorPython.installPackages` (the install command takes the package
 * list as its first argument, runs pip as a watched process and reports the outcome).
 */
import { execFile } from 'child_process';
import * as vscode from 'vscode';
import type { Logger } from './log';
import { findPythonInterpreter } from './python';
import { COMMAND_IDS } from '../shared/commandIds';

export const INSTALL_PACKAGES_COMMAND = COMMAND_IDS.installPackages;

/** Distribution names (what pip installs), so no import-name mapping is needed. */
const CHECK_SCRIPT = [
  'import sys',
  'import importlib.metadata as metadata',
  'for name in sys.argv[1:]:',
  '    try:',
  '        metadata.distribution(name)',
  '    except metadata.PackageNotFoundError:',
  '        print(name)',
].join('\n');

/**
 * The packages not installed for `resource`'s interpreter. Undefined when that cannot be told (no
 * interpreter, or it failed): then the caller offers them all.
 */
export async function missingPackages(packages: readonly string[], resource?: vscode.Uri): Promise<string[] | undefined> {
  if (packages.length === 0) {
    return [];
  }
  const interpreter = await findPythonInterpreter(resource);
  if (!interpreter) {
    return undefined;
  }
  const [program, ...fixedArgs] = interpreter.command;
  return new Promise((resolve) => {
    execFile(program, [...fixedArgs, '-c', CHECK_SCRIPT, ...packages], { timeout: 15_000, windowsHide: true }, (error, stdout) => {
      const reported = stdout.split(/\r?\n/).map((line) => line.trim());
      resolve(error ? undefined : packages.filter((name) => reported.includes(name)));
    });
  });
}

/**
 * Shows the offer (not awaited by callers: a notification may stay open) and runs the install
 * command when accepted. Resolves with the packages offered (empty when nothing is missing).
 */
export async function offerMissingPackages(
  packages: readonly string[],
  resource: vscode.Uri | undefined,
  log: Logger,
): Promise<{ offered: string[]; shown?: Thenable<boolean> }> {
  const missing = (await missingPackages(packages, resource)) ?? [...packages];
  if (missing.length === 0) {
    log.info(`Packages already installed: ${packages.join(', ')}.`);
    return { offered: [] };
  }
  log.info(`Offering to install: ${missing.join(', ')}.`);
  const install = vscode.l10n.t('Install');
  const shown = vscode.window
    .showInformationMessage(
      vscode.l10n.t(
        'This instrumentation needs {0}, which the selected Python interpreter does not have. Install it now?',
        missing.join(', '),
      ),
      install,
    )
    .then(async (choice) => {
      if (choice !== install) {
        return false;
      }
      await vscode.commands.executeCommand(INSTALL_PACKAGES_COMMAND, missing);
      return true;
    });
  return { offered: missing, shown };
}

/** The command behind the server's "Instrument this file" action: `[{ packages, uri? }]`. */
export async function offerPackagesFromServer(argument: unknown, log: Logger): Promise<string[]> {
  const { packages, uri } = (argument ?? {}) as { packages?: unknown; uri?: unknown };
  const names = Array.isArray(packages) ? packages.filter((name): name is string => typeof name === 'string') : [];
  const resource = typeof uri === 'string' ? vscode.Uri.parse(uri, true) : vscode.window.activeTextEditor?.document.uri;
  return (await offerMissingPackages(names, resource, log)).offered;
}
