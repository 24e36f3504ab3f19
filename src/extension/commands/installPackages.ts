/**
 * `Azure Monitor: Install Python Packages`: `python -m pip install …` as a process the extension
 * watches (no shell: arguments go straight to the interpreter), with progress in the notification
 * area and pip's full output in the "Azure Monitor: pip" output channel; the outcome (and, on
 * failure, pip's own reason) is reported, with a "Show Output" action. The interpreter is the one
 * the Python extension selected, else the one it would have chosen (see `../python.ts`).
 */
import { spawn } from 'child_process';
import { StringDecoder } from 'string_decoder';
import * as vscode from 'vscode';
import type { InterpreterSource } from '../../core/python/interpreter';
import { OutputTail, pipFailureReason, redactUrlCredentials } from '../../core/python/pipOutcome';
import type { Redactor } from '../../core/redact';
import { shortenRedacted } from '../../core/redact';
import { commandLine, defaultShellKind } from '../../core/shellQuote';
import type { Logger } from '../log';
import { describeInterpreter, findPythonInterpreter } from '../python';

/** The SDK packages of Microsoft's guide (OpenCensus) and of its successor (the distro). */
export const SDK_PACKAGES = {
  opentelemetry: ['azure-monitor-opentelemetry'],
  opencensus: ['opencensus-ext-azure'],
} as const;

export interface InstallResult {
  /** The command as it would be typed (for the log and the user; it is not run through a shell). */
  readonly commandLine: string;
  readonly interpreterSource: InterpreterSource;
  /** Which Python ran pip, as told to the user. */
  readonly interpreter: string;
  readonly packages: readonly string[];
  readonly succeeded: boolean;
  readonly cancelled: boolean;
  /** pip's exit code; undefined when it could not be started. */
  readonly exitCode?: number;
  /** Why it failed, from pip's output (redacted, cut to a notification's length). */
  readonly reason?: string;
}

export interface InstallContext {
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly output: PipOutput;
}

export interface InstallOptions {
  /** False when the caller (Set Up) reports the outcome in its own words. */
  readonly report?: boolean;
}

const VALID_PACKAGE = /^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9_,.-]+\])?([<>=!~]=?[A-Za-z0-9.*+!-]+)?$/;

/** The "Azure Monitor: pip" output channel, created on first use; everything written is redacted. */
export class PipOutput implements vscode.Disposable {
  private channel: vscode.OutputChannel | undefined;
  /** The unfinished last line: redacted whole, so a secret split across chunks is still caught. */
  private pending = '';

  constructor(private readonly redactor: Redactor) {}

  append(text: string): void {
    this.pending += text;
    const end = this.pending.lastIndexOf('\n');
    if (end < 0 && this.pending.length < 16 * 1024) return;
    const complete = end < 0 ? this.pending : this.pending.slice(0, end + 1);
    this.pending = this.pending.slice(complete.length);
    this.write(complete);
  }

  /** Writes what is left of the last line (when the process ended). */
  flush(): void {
    if (this.pending) this.write(`${this.pending}\n`);
    this.pending = '';
  }

  private write(text: string): void {
    this.channel ??= vscode.window.createOutputChannel(vscode.l10n.t('Azure Monitor: pip'));
    this.channel.append(redactUrlCredentials(this.redactor.redact(text)));
  }

  show(): void {
    this.channel?.show(true);
  }

  dispose(): void {
    this.channel?.dispose();
  }
}

/** The notification's action that opens pip's output. */
export function showOutputAction(): string {
  return vscode.l10n.t('Show Output');
}

export async function installPythonPackages(
  context: InstallContext,
  packages?: readonly string[],
  options: InstallOptions = {},
): Promise<InstallResult | undefined> {
  const { log } = context;
  const chosen = packages && packages.length > 0 ? packages : await pickSdkPackages();
  if (!chosen) {
    return undefined;
  }
  const invalid = chosen.filter((name) => !VALID_PACKAGE.test(name));
  if (invalid.length > 0) {
    throw new Error(vscode.l10n.t('Not a pip package name: {0}', invalid.join(', ')));
  }
  const resource = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  const interpreter = await findPythonInterpreter(resource, log);
  if (!interpreter) {
    const message = vscode.l10n.t(
      'No Python interpreter found. Install Python 3, or select an interpreter with "Python: Select Interpreter", then try again.',
    );
    log.warn(message);
    if (options.report !== false) void vscode.window.showErrorMessage(message);
    return undefined;
  }
  const argv = [...interpreter.command, '-m', 'pip', 'install', ...chosen];
  const line = commandLine(argv, defaultShellKind());
  const described = describeInterpreter(interpreter);
  log.info(`Installing with ${described}: ${line}`);
  context.output.append(`\n$ ${line}\n`);
  const run = await runWatched(argv, chosen, context);
  const result: InstallResult = {
    commandLine: line,
    interpreterSource: interpreter.source,
    interpreter: described,
    packages: [...chosen],
    ...run,
  };
  if (result.succeeded) {
    log.info(`pip install ${chosen.join(' ')} succeeded.`);
  } else {
    log.warn(
      `pip install ${chosen.join(' ')} ${result.cancelled ? 'was cancelled' : `failed (exit code ${result.exitCode ?? 'none'}): ${result.reason ?? 'no output'}`}.`,
    );
  }
  if (options.report !== false) reportInstall(result, context.output);
  return result;
}

/** The standalone command's own notification: installed, or failed with pip's reason. */
function reportInstall(result: InstallResult, output: PipOutput): void {
  if (result.cancelled) return;
  const names = result.packages.join(', ');
  const shown = result.succeeded
    ? vscode.window.showInformationMessage(vscode.l10n.t('Installed {0} with {1}.', names, result.interpreter), showOutputAction())
    : vscode.window.showErrorMessage(
        vscode.l10n.t(
          'Installing {0} failed: {1}',
          names,
          result.reason ?? vscode.l10n.t('pip ended with exit code {0}.', String(result.exitCode ?? '?')),
        ),
        showOutputAction(),
      );
  void shown.then((choice) => choice === showOutputAction() && output.show());
}

type WatchedRun = Pick<InstallResult, 'succeeded' | 'cancelled' | 'exitCode' | 'reason'>;

/** Runs pip without a shell, streaming its output to the channel and the progress notification. */
function runWatched(argv: readonly string[], packages: readonly string[], context: InstallContext): Thenable<WatchedRun> {
  const title = vscode.l10n.t('Installing {0}', packages.join(', '));
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) =>
      new Promise<WatchedRun>((resolve) => {
        const tail = new OutputTail();
        let cancelled = false;
        let settled = false;
        const child = spawn(argv[0], argv.slice(1), {
          windowsHide: true,
          env: { ...process.env, PYTHONIOENCODING: 'utf-8', PIP_NO_INPUT: '1' },
        });
        const onOutput = (decoder: StringDecoder) => (chunk: Buffer) => {
          const text = decoder.write(chunk);
          tail.append(text);
          context.output.append(text);
          const last = text
            .split(/\r?\n/)
            .filter((entry) => entry.trim() !== '')
            .pop();
          if (last) progress.report({ message: shortenRedacted(redactUrlCredentials(context.redactor.redact(last.trim())), 120) });
        };
        child.stdout.on('data', onOutput(new StringDecoder('utf8')));
        child.stderr.on('data', onOutput(new StringDecoder('utf8')));
        const cancel = token.onCancellationRequested(() => {
          cancelled = true;
          child.kill();
        });
        const finish = (run: WatchedRun): void => {
          if (settled) return;
          settled = true;
          cancel.dispose();
          context.output.flush();
          resolve(run);
        };
        child.on('error', (error) => {
          context.output.append(`${error.message}\n`);
          finish({ succeeded: false, cancelled, reason: shortenRedacted(context.redactor.redact(error.message), 300) });
        });
        child.on('close', (code) => {
          const exitCode = code ?? undefined;
          const succeeded = exitCode === 0 && !cancelled;
          finish({
            succeeded,
            cancelled,
            exitCode,
            reason: succeeded ? undefined : pipFailureReason(tail.toString(), (text) => context.redactor.redact(text)),
          });
        });
      }),
  );
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
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Install Python Packages'),
    placeHolder: vscode.l10n.t('Which SDK?'),
  });
  return picked?.packages;
}
