/**
 * Opening the code a stack frame or log record names (issue 18). The path comes from an app's
 * telemetry: `src/core/source` decides what it is; a file inside the workspace opens at the line,
 * a file elsewhere only after the user confirms in a modal dialog, anything else is refused with a
 * message that shows the path as text.
 */
import * as vscode from 'vscode';
import { resolveSourcePath, type SourceResolution } from '../../core/source';
import type { Logger } from '../log';
import { COMMAND_IDS } from '../../shared/commandIds';

/** The command ids of the source features, in one place (issue 14 moves ids into a shared table). */
export const SOURCE_COMMANDS = {
  /** `(file: string, line?: number)`: what the panel's frame links run; internal, not in the palette. */
  openSourceLocation: COMMAND_IDS.openSourceLocation,
  /** Empties the runtime exceptions in the Problems panel (palette). */
  clearRuntimeExceptions: COMMAND_IDS.clearRuntimeExceptions,
  /** `(operationId: string)`: the live panel at that transaction; the diagnostics' code action. */
  showTransaction: COMMAND_IDS.showTransactionInLiveTelemetry,
} as const;

/** Characters of an untrusted path shown in a message. */
const SHOWN_PATH_LENGTH = 300;

export interface OpenSourceOptions {
  /** The working directory of the run, for relative paths. */
  readonly cwd?: string;
  /** Asks before opening a file outside the workspace; a modal dialog by default. */
  readonly confirmOutside?: (path: string) => Promise<boolean>;
}

export type OpenSourceOutcome = 'opened' | 'declined' | 'refused';

function shown(file: string): string {
  // Control characters are what make a path hostile: make them visible rather than acting.
  const visible = file.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`,
  );
  return visible.length > SHOWN_PATH_LENGTH ? `${visible.slice(0, SHOWN_PATH_LENGTH)}…` : visible;
}

async function confirmOutsideWorkspace(path: string): Promise<boolean> {
  const open = vscode.l10n.t('Open');
  // A dialog that cannot be shown (VS Code refuses them while extension tests run) is a "no".
  const answer = await Promise.resolve(
    vscode.window.showWarningMessage(
      vscode.l10n.t('Open a file outside the workspace?'),
      {
        modal: true,
        detail: vscode.l10n.t(
          'The telemetry names {0}, which is not in this workspace. Open it only if you expect this app to run that file.',
          shown(path),
        ),
      },
      open,
    ),
  ).catch(() => undefined);
  return answer === open;
}

export async function resolveForWorkspace(file: string, cwd?: string): Promise<SourceResolution> {
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === 'file')
    .map((folder) => folder.uri.fsPath);
  return resolveSourcePath(file, { workspaceFolders: folders, cwd });
}

/** Opens `file` at `line` (1-based) if it is safe to; says why not otherwise. */
export async function openSourceLocation(
  file: unknown,
  line: unknown,
  log: Logger,
  options: OpenSourceOptions = {},
): Promise<OpenSourceOutcome> {
  if (typeof file !== 'string' || file === '') return 'refused';
  const resolution = await resolveForWorkspace(file, options.cwd);
  if (resolution.kind === 'refused') {
    log.warn(`Did not open a source location from telemetry (${resolution.reason}).`);
    void vscode.window.showWarningMessage(
      resolution.reason === 'unsafe'
        ? vscode.l10n.t('{0} is not a local file path; it is not opened.', shown(file))
        : vscode.l10n.t('{0} was not found in this workspace or on this machine.', shown(file)),
    );
    return 'refused';
  }
  if (resolution.kind === 'outside') {
    const confirmed = await (options.confirmOutside ?? confirmOutsideWorkspace)(resolution.path);
    if (!confirmed) return 'declined';
  }
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(resolution.path));
  const lineIndex = typeof line === 'number' && Number.isInteger(line) && line >= 1 ? Math.min(line, document.lineCount) - 1 : 0;
  const position = new vscode.Position(lineIndex, document.lineAt(lineIndex).firstNonWhitespaceCharacterIndex);
  // Next to the code already open, not over the panel the link was clicked in.
  const column = vscode.window.visibleTextEditors[0]?.viewColumn ?? vscode.ViewColumn.Beside;
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), viewColumn: column, preview: true });
  return 'opened';
}

/** The internal command the panel's links run (also usable by tests and other features). */
export function registerSourceCommands(context: vscode.ExtensionContext, log: Logger): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(SOURCE_COMMANDS.openSourceLocation, async (file: unknown, line: unknown) => {
      try {
        return await openSourceLocation(file, line, log);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        log.error(`${SOURCE_COMMANDS.openSourceLocation} failed: ${text}`);
        void vscode.window.showErrorMessage(vscode.l10n.t('Azure Monitor: {0}', text));
        return 'refused';
      }
    }),
  );
}
