/**
 * Set / Show / Clear Connection String. The value is typed into a masked input box, validated by
 * the same parser the relay uses, and stored in SecretStorage; what is shown or logged is redacted.
 */
import * as vscode from 'vscode';
import { ConnectionString, parseConnectionString } from '../../core/connectionString';
import { redactInstrumentationKey } from '../../core/redact';
import type { ConnectionStringStore } from '../connectionStringStore';
import type { Logger } from '../log';
import { COMMAND_IDS } from '../../shared/commandIds';

/** What Show returns (and displays): nothing secret in it. */
export interface ConnectionStringSummary {
  readonly instrumentationKey: string;
  readonly ingestionEndpoint: string;
  readonly liveEndpoint: string;
  readonly aadAudience: string;
  readonly location?: string;
}

export function summarise(parsed: ConnectionString): ConnectionStringSummary {
  return {
    instrumentationKey: redactInstrumentationKey(parsed.instrumentationKey),
    ingestionEndpoint: parsed.ingestionEndpoint,
    liveEndpoint: parsed.liveEndpoint,
    aadAudience: parsed.aadAudience,
    location: parsed.location,
  };
}

/** Input box validation: an error blocks Enter, warnings are shown but allow it. */
export function validateForInputBox(value: string): vscode.InputBoxValidationMessage | undefined {
  if (value.trim() === '') {
    return undefined; // do not shout at an empty box; Enter on it is handled as "cancel"
  }
  const result = parseConnectionString(value);
  if (!result.ok) {
    return { message: result.error, severity: vscode.InputBoxValidationSeverity.Error };
  }
  if (result.warnings.length > 0) {
    return { message: result.warnings.map((w) => w.message).join(' '), severity: vscode.InputBoxValidationSeverity.Warning };
  }
  return undefined;
}

/** Shown in the empty input box: what to paste, in words — no example value that could be copied as one. */
export function connectionStringPlaceholder(): string {
  return vscode.l10n.t('The connection string, starting with "InstrumentationKey"');
}

export async function setConnectionString(store: ConnectionStringStore, log: Logger): Promise<ConnectionStringSummary | undefined> {
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Azure Monitor: Set Connection String'),
    prompt: vscode.l10n.t(
      'Paste the connection string from the Overview page of your Application Insights resource. It is kept in VS Code secret storage only.',
    ),
    placeHolder: connectionStringPlaceholder(),
    password: true,
    ignoreFocusOut: true,
    validateInput: validateForInputBox,
  });
  if (value === undefined || value.trim() === '') {
    log.info('Set connection string: cancelled.');
    return undefined;
  }
  const stored = await store.set(value);
  const summary = summarise(stored.parsed);
  log.info(`Connection string stored (InstrumentationKey ${summary.instrumentationKey}, ingestion ${summary.ingestionEndpoint}).`);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Connection string saved in secret storage (key {0}).', summary.instrumentationKey),
  );
  return summary;
}

export async function showConnectionString(store: ConnectionStringStore, log: Logger): Promise<ConnectionStringSummary | undefined> {
  const stored = await store.get();
  if (!stored) {
    log.info('Show connection string: none stored (local-only mode).');
    const setNow = vscode.l10n.t('Set Connection String');
    void vscode.window
      .showInformationMessage(vscode.l10n.t('No Azure Monitor connection string is stored: telemetry stays on this machine.'), setNow)
      .then((choice) => (choice === setNow ? vscode.commands.executeCommand(COMMAND_IDS.setConnectionString) : undefined));
    return undefined;
  }
  const summary = summarise(stored.parsed);
  // Not awaited: the command answers at once while the dialog stays until the user closes it.
  void vscode.window
    .showInformationMessage(vscode.l10n.t('Azure Monitor connection string'), {
      modal: true,
      detail: [
        vscode.l10n.t('Instrumentation key: {0}', summary.instrumentationKey),
        vscode.l10n.t('Ingestion endpoint: {0}', summary.ingestionEndpoint),
        vscode.l10n.t('Live endpoint: {0}', summary.liveEndpoint),
        vscode.l10n.t('Kept in VS Code secret storage only.'),
      ].join('\n'),
    })
    .then(undefined, (error: unknown) => log.warn(`Could not show the connection string dialog: ${String(error)}`));
  return summary;
}

export async function clearConnectionString(store: ConnectionStringStore, log: Logger): Promise<boolean> {
  const removed = await store.clear();
  log.info(removed ? 'Connection string cleared: local-only mode.' : 'Clear connection string: none was stored.');
  void vscode.window.showInformationMessage(
    removed
      ? vscode.l10n.t('Azure Monitor connection string removed: telemetry now stays on this machine.')
      : vscode.l10n.t('No Azure Monitor connection string was stored.'),
  );
  return removed;
}
