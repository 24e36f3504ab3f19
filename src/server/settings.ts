/**
 * The diagnostics switches (`azureMonitorPython.diagnostics.<rule>`), pulled per document with
 * `workspace/configuration` when the client supports it, else taken from the settings pushed with
 * `workspace/didChangeConfiguration`, else all on.
 */
import type { Connection } from 'vscode-languageserver';
import {
  DEFAULT_DIAGNOSTICS_SETTINGS,
  DIAGNOSTICS_SETTINGS_SECTION,
  DiagnosticsSettings,
  toDiagnosticsSettings,
} from '../shared/serverProtocol';

export class DiagnosticsSettingsSource {
  private pull = false;
  private pushed: DiagnosticsSettings = DEFAULT_DIAGNOSTICS_SETTINGS;
  private readonly perDocument = new Map<string, Promise<DiagnosticsSettings>>();

  constructor(private readonly connection: Connection) {}

  /** Whether to ask the client (`workspace/configuration`), from its initialize capabilities. */
  setPullSupported(supported: boolean): void {
    this.pull = supported;
  }

  get(uri: string): Promise<DiagnosticsSettings> {
    if (!this.pull) {
      return Promise.resolve(this.pushed);
    }
    let settings = this.perDocument.get(uri);
    if (!settings) {
      settings = this.connection.workspace
        .getConfiguration({ scopeUri: uri, section: DIAGNOSTICS_SETTINGS_SECTION })
        .then(toDiagnosticsSettings, () => DEFAULT_DIAGNOSTICS_SETTINGS);
      this.perDocument.set(uri, settings);
    }
    return settings;
  }

  /** `workspace/didChangeConfiguration`: `settings` is what a push-style client sent (may be null). */
  changed(settings: unknown): void {
    this.perDocument.clear();
    if (!this.pull) {
      const section = (settings as { azureMonitorPython?: { diagnostics?: unknown } } | null | undefined)?.azureMonitorPython?.diagnostics;
      this.pushed = toDiagnosticsSettings(section);
    }
  }

  forget(uri: string): void {
    this.perDocument.delete(uri);
  }
}
