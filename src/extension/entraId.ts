/**
 * Microsoft Entra ID access tokens for ingestion (`azureMonitorPython.forwarding.useMicrosoftAccount`),
 * from VS Code's built-in Microsoft account provider. Asked silently first; the sign-in prompt is
 * shown once per window, not on every batch.
 */
import * as vscode from 'vscode';
import type { Logger } from './log';

export class EntraIdTokens {
  private prompted = false;

  constructor(private readonly log: Logger) {}

  async get(scope: string): Promise<string | undefined> {
    try {
      let session = await vscode.authentication.getSession('microsoft', [scope], { silent: true });
      if (!session && !this.prompted) {
        this.prompted = true;
        session = await vscode.authentication.getSession('microsoft', [scope], { createIfNone: true });
      }
      return session?.accessToken;
    } catch (error) {
      this.log.warn(`No Microsoft account token for ${scope}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}
