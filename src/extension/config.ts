/** Typed access to the `azureMonitorPython.*` settings. */
import * as vscode from 'vscode';

export const SECTION = 'azureMonitorPython';

export interface ExtensionSettings {
  readonly relayPort: number;
  readonly forwardingEnabled: boolean;
  readonly useMicrosoftAccount: boolean;
  readonly maxTraceItems: number;
  readonly maxLogItems: number;
  readonly maxMetricPoints: number;
  /** The store's byte budget. */
  readonly bufferMaxBytes: number;
  /** The Live Metrics samples' byte budget. */
  readonly liveMetricsMaxBytes: number;
  readonly diskQueueMaxBytes: number;
}

export function readSettings(): ExtensionSettings {
  const config = vscode.workspace.getConfiguration(SECTION);
  return {
    relayPort: config.get<number>('relay.port', 0),
    forwardingEnabled: config.get<boolean>('forwarding.enabled', true),
    useMicrosoftAccount: config.get<boolean>('forwarding.useMicrosoftAccount', false),
    maxTraceItems: config.get<number>('buffer.maxTraceItems', 10_000),
    maxLogItems: config.get<number>('buffer.maxLogItems', 10_000),
    maxMetricPoints: config.get<number>('buffer.maxMetricPoints', 50_000),
    bufferMaxBytes: config.get<number>('buffer.maxMegabytes', 256) * 1024 * 1024,
    liveMetricsMaxBytes: config.get<number>('buffer.maxLiveMetricsMegabytes', 32) * 1024 * 1024,
    diskQueueMaxBytes: config.get<number>('diskQueue.maxMegabytes', 50) * 1024 * 1024,
  };
}

/** The proxy VS Code itself uses (`http.proxy`), or the usual environment variables. */
export function proxyUrl(): string | undefined {
  const configured = vscode.workspace.getConfiguration('http').get<string>('proxy');
  return configured || process.env.HTTPS_PROXY || process.env.https_proxy || process.env.HTTP_PROXY || process.env.http_proxy || undefined;
}
