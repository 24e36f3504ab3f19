/**
 * When a new run of the app starts, for what counts "in the current run" (issue 18: runtime
 * exceptions in Problems, the numbers of the lenses): a Python debug session starts, or a terminal
 * opens with a connection string in its environment (the "Run Python File with Telemetry" command).
 */
import * as vscode from 'vscode';

const PYTHON_DEBUG_TYPES = new Set(['python', 'debugpy']);

export class CurrentRun implements vscode.Disposable {
  private readonly started = new vscode.EventEmitter<void>();
  /** A new run started: what was counted for the last one is stale. */
  readonly onDidStart = this.started.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      this.started,
      vscode.debug.onDidStartDebugSession((session) => {
        if (PYTHON_DEBUG_TYPES.has(session.type)) this.started.fire();
      }),
      vscode.window.onDidOpenTerminal((terminal) => {
        // The run command's terminals carry the relay's connection string.
        const options = terminal.creationOptions as vscode.TerminalOptions;
        if (options && typeof options === 'object' && 'env' in options && options.env?.APPLICATIONINSIGHTS_CONNECTION_STRING)
          this.started.fire();
      }),
    ];
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
