/**
 * The user's Application Insights connection string, kept in VS Code SecretStorage and nowhere
 * else (not settings, not workspace state, not logs). Every value read or written is registered
 * with the redactor so that it can never be logged in clear.
 */
import * as vscode from 'vscode';
import { ConnectionString, parseConnectionString } from '../core/connectionString';
import { Redactor } from '../core/redact';

const SECRET_KEY = 'azureMonitorPython.connectionString';

export interface StoredConnectionString {
  readonly raw: string;
  readonly parsed: ConnectionString;
}

export class ConnectionStringStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StoredConnectionString | undefined>();
  /** Fires after the stored value changed, in this window or another one. */
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly redactor: Redactor,
  ) {
    this.subscription = secrets.onDidChange(async (event) => {
      if (event.key === SECRET_KEY) {
        this.changed.fire(await this.get());
      }
    });
  }

  /** The stored connection string, or undefined when none is stored (local-only mode). */
  async get(): Promise<StoredConnectionString | undefined> {
    const raw = await this.secrets.get(SECRET_KEY);
    if (raw === undefined) {
      return undefined;
    }
    this.registerSecret(raw);
    const result = parseConnectionString(raw);
    // A value that no longer parses (stored by an older version) is treated as absent.
    return result.ok ? { raw, parsed: result.value } : undefined;
  }

  /** Validates and stores; throws with the parser's message when the value is invalid. */
  async set(raw: string): Promise<StoredConnectionString> {
    const trimmed = raw.trim();
    this.registerSecret(trimmed);
    const result = parseConnectionString(trimmed);
    if (!result.ok) {
      throw new Error(result.error);
    }
    await this.secrets.store(SECRET_KEY, trimmed);
    return { raw: trimmed, parsed: result.value };
  }

  async clear(): Promise<boolean> {
    const existing = await this.secrets.get(SECRET_KEY);
    if (existing === undefined) {
      return false;
    }
    await this.secrets.delete(SECRET_KEY);
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private registerSecret(raw: string): void {
    this.redactor.add(raw);
    const parsed = parseConnectionString(raw);
    if (parsed.ok) {
      this.redactor.add(parsed.value.instrumentationKey);
    }
  }
}
