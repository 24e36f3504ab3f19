/**
 * What `activate` returns (`extension.exports`): a narrow view of the relay for tests and other
 * extensions. It holds nothing secret — only the relay's local connection string, never the real one.
 */
import * as vscode from 'vscode';
import type { ExtensionContextState } from './contextState';
import type { RelayStatus } from './relayController';

export interface RelayInfo {
  readonly url: string;
  readonly localConnectionString: string;
  readonly httpsUrl?: string;
  readonly caCertPath?: string;
}

export interface AzureMonitorPythonApi {
  relayStatus(): RelayStatus;
  readonly onDidChangeRelayStatus: vscode.Event<RelayStatus>;
  /** Starts the relay when it is not running (as any trigger does). */
  startRelay(): Promise<RelayInfo>;
  /** What deactivation does: closes the listener and the forward queue. */
  stopRelay(): Promise<void>;
  /** The variables the extension's environment collection gives new terminals. */
  terminalEnvironment(): Record<string, string>;
}

export function createApi(state: ExtensionContextState): AzureMonitorPythonApi {
  return {
    relayStatus: () => state.relay.status,
    onDidChangeRelayStatus: state.relay.onDidChangeStatus,
    startRelay: async () => {
      const { server } = await state.relay.ensureStarted();
      return {
        url: server.url,
        localConnectionString: server.localConnectionString,
        httpsUrl: server.httpsUrl,
        caCertPath: server.caCertPath,
      };
    },
    stopRelay: () => state.relay.stop(),
    terminalEnvironment: () => state.terminalEnvironment.entries(),
  };
}
