/**
 * Small contracts every layer shares: something to dispose, and the `(level, message)` log
 * callback `src/core` modules write through. Types only: no `vscode`, no Node built-ins.
 */

/** Structurally the same as `vscode.Disposable`, so either can be handed where the other is wanted. */
export interface Disposable {
  dispose(): void;
}

export type RelayLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The `(level, message)` callback every `src/core` module logs through (the caller redacts). */
export type RelayLog = (level: RelayLogLevel, message: string) => void;
