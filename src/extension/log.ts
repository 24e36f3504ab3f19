/**
 * The "Azure Monitor" log output channel. Every message passes through the {@link Redactor}, so a
 * connection string or instrumentation key never reaches the channel (or its file on disk).
 */
import * as vscode from 'vscode';
import { Redactor } from '../core/redact';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
  /** The same logger as a `(level, message)` callback, the shape `src/core` modules take. */
  readonly sink: (level: LogLevel, message: string) => void;
  show(): void;
}

export function createLogger(channel: vscode.LogOutputChannel, redactor: Redactor): Logger {
  const clean = (message: string | Error): string =>
    redactor.redact(message instanceof Error ? (message.stack ?? message.message) : message);
  const logger: Logger = {
    trace: (message) => channel.trace(clean(message)),
    debug: (message) => channel.debug(clean(message)),
    info: (message) => channel.info(clean(message)),
    warn: (message) => channel.warn(clean(message)),
    error: (message) => channel.error(clean(message)),
    sink: (level, message) => logger[level](message),
    show: () => channel.show(true),
  };
  return logger;
}
