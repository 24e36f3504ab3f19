/**
 * The client side of the quick fix "Store it in VS Code SecretStorage instead": the server has
 * already removed the literal from the code (same code action), and hands the value here. It is
 * validated with the relay's parser and stored; only its redacted key is ever shown or logged.
 */
import * as vscode from 'vscode';
import { parseConnectionString } from '../../core/connectionString';
import { redactInstrumentationKey } from '../../core/redact';
import type { StoreConnectionStringArguments } from '../../shared/serverProtocol';
import type { ConnectionStringStore } from '../connectionStringStore';
import type { Logger } from '../log';
import { setConnectionString } from './connectionStringCommands';

export type StoreOutcome = 'stored' | 'unchanged' | 'declined' | 'asked';

export async function storeConnectionStringFromCode(store: ConnectionStringStore, log: Logger, argument: unknown): Promise<StoreOutcome> {
  const value = (argument as StoreConnectionStringArguments | undefined)?.connectionString;
  const parsed = typeof value === 'string' ? parseConnectionString(value.trim()) : undefined;
  if (!parsed?.ok || typeof value !== 'string') {
    // An instrumentation key alone, or nothing usable: ask for the full connection string.
    await setConnectionString(store, log);
    return 'asked';
  }
  const newKey = redactInstrumentationKey(parsed.value.instrumentationKey);
  const existing = await store.get();
  if (existing?.raw === value.trim()) {
    log.info(`Connection string from the code (key ${newKey}) is already the stored one.`);
    void vscode.window.showInformationMessage(vscode.l10n.t('This connection string (key {0}) is already in secret storage.', newKey));
    return 'unchanged';
  }
  if (existing) {
    const replace = vscode.l10n.t('Replace');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        'Replace the stored connection string (key {0}) with the one from the code (key {1})?',
        redactInstrumentationKey(existing.parsed.instrumentationKey),
        newKey,
      ),
      { modal: true },
      replace,
    );
    if (answer !== replace) {
      log.info('Store connection string from code: the user kept the stored one.');
      return 'declined';
    }
  }
  await store.set(value);
  log.info(`Connection string from the code stored in secret storage (key ${newKey}).`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Connection string saved in secret storage (key {0}).', newKey));
  return 'stored';
}
