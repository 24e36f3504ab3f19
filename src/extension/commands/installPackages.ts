/**
 * `Azure Monitor: Install Python Packages`: `python -m pip install …` in a visible terminal, with the
 * interpreter the Python extension selected (else python3 / py -3 from PATH).
 */
import * as vscode from 'vscode';
import { commandLine, defaultShellKind } from '../../core/shellQuote';
import type { Logger } from '../log';
import { findPythonInterpreter } from '../python';


/** The SDK packages of Microsoft's guide (OpenCensus) and of its successor (the distro). */
export const SDK_PACKAGES = {
  opentelemetry: ['azure-monitor-opentelemetry'],
  opencensus: ['opencensus-ext-azure'],
} as const;

export interface InstallResult {
  readonly commandLine: string;
  readonly terminalName: string;
  readonly interpreterSource: 'python-extension' | 'path';
}

const VALID_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9_,.-]+\])?([<>=!~]=?[A-Za-z0-9.*+!-]+)?$/;

export async function installPythonPackages(log: Logger, packages?: readonly string[]): Promise<InstallResult | undefined> {
  const chosen = packages && packages.length > 0 ? packages : await pickSdkPackages();
  if (!chosen) {
    return undefined;
  }
  const invalid = chosen.filter((name) => !VALID_PACKAGE.test(name));
  if (invalid.length > 0) {
    throw new Error(vscode.l10n.t('Not a pip package name: {0}', invalid.join(', ')));
  }
  const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const interpreter = await findPythonInterpreter(resource);
  if (!interpreter) {
    const message = vscode.l10n.t('No Python interpreter found. Install Python 3, or select an interpreter with "Python: Select Interpreter", then try again.');
    log.warn(message);
    void vscode.window.showErrorMessage(message);
    return undefined;
  }
  const terminalName = vscode.l10n.t('Azure Monitor: {0}', 'pip install');
  const line = commandLine([...interpreter.command, '-m', 'pip', 'install', ...chosen], defaultShellKind());
  const terminal = vscode.window.terminals.find((existing) => existing.name === terminalName && existing.exitStatus === undefined) ?? vscode.window.createTerminal({ name: terminalName });
  terminal.show(true);
  terminal.sendText(line, true);
  log.info(`Installing with ${interpreter.source === 'python-extension' ? 'the selected interpreter' : 'Python from PATH'}: ${line}`);
  return { commandLine: line, terminalName, interpreterSource: interpreter.source };
}

async function pickSdkPackages(): Promise<readonly string[] | undefined> {
  const items: (vscode.QuickPickItem & { packages: readonly string[] })[] = [
    {
      label: vscode.l10n.t('Azure Monitor OpenTelemetry distro'),
      description: SDK_PACKAGES.opentelemetry.join(' '),
      detail: vscode.l10n.t('Recommended: traces, metrics and logs with configure_azure_monitor().'),
      packages: SDK_PACKAGES.opentelemetry,
    },
    {
      label: vscode.l10n.t('OpenCensus Azure exporter (retired)'),
      description: SDK_PACKAGES.opencensus.join(' '),
      detail: vscode.l10n.t('As in the original guide; OpenCensus support ended on 30 September 2024.'),
      packages: SDK_PACKAGES.opencensus,
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Install Python Packages'), placeHolder: vscode.l10n.t('Which SDK?') });
  return picked?.packages;
}
