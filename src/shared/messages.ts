/**
 * Messages between the extension host and the live telemetry webview. Both sides import this file,
 * so a protocol change is a compile error on the side that was not updated. Both sides also
 * validate what they receive (a webview is a separate, less trusted context; and a host message
 * carries untrusted telemetry text, which the webview renders as text only).
 */

export type TableName =
  | 'requests'
  | 'dependencies'
  | 'traces'
  | 'exceptions'
  | 'customEvents'
  | 'customMetrics'
  | 'pageViews'
  | 'availabilityResults';

export interface PanelException {
  readonly typeName?: string;
  readonly message?: string;
  /** Full stack text, or the parsed frames joined one per line. */
  readonly stack?: string;
}

export interface PanelMetric {
  readonly name: string;
  readonly value: number;
  readonly count?: number;
  readonly min?: number;
  readonly max?: number;
  readonly stdDev?: number;
}

/** One telemetry item as the panel shows it: the store's normalised item. */
export interface PanelItem {
  /** Monotonic id assigned by the store; also the order of arrival. */
  readonly seq: number;
  readonly table: TableName;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly role?: string;
  readonly roleInstance?: string;
  readonly operationId?: string;
  readonly parentId?: string;
  readonly id?: string;
  readonly name?: string;
  /** Milliseconds. */
  readonly duration?: number;
  readonly success?: boolean;
  readonly resultCode?: string;
  readonly target?: string;
  readonly type?: string;
  /** 0 Verbose … 4 Critical. */
  readonly severity?: number;
  readonly message?: string;
  readonly exceptions?: readonly PanelException[];
  readonly metrics?: readonly PanelMetric[];
  readonly properties?: Readonly<Record<string, string>>;
  readonly measurements?: Readonly<Record<string, number>>;
  readonly sdkVersion?: string;
  /** Fields the relay cut to Azure's limits (`limit` characters), or counts it capped (`entries`: `limit` kept). */
  readonly truncated?: readonly { readonly field: string; readonly limit: number; readonly entries?: true }[];
}

export interface ForwardingStatus {
  readonly state: 'local-only' | 'forwarding' | 'retrying' | 'paused' | 'error';
  readonly acceptedItems: number;
  readonly sentItems: number;
  readonly retryingItems: number;
  readonly queuedItems: number;
  readonly queuedBytes: number;
  readonly droppedItems: number;
  readonly lastError?: string;
  readonly endpoint?: string;
}

/** One Live Metrics (QuickPulse) post from an SDK. */
export interface LiveSample {
  readonly time: number;
  readonly role?: string;
  readonly instance?: string;
  readonly metrics: readonly { readonly name: string; readonly value: number; readonly weight?: number }[];
}

/** Host → webview. */
export type HostToWebview =
  | {
      readonly type: 'snapshot';
      readonly items: readonly PanelItem[];
      readonly live: readonly LiveSample[];
      readonly forwarding: ForwardingStatus;
      readonly relayUrl?: string;
    }
  | {
      readonly type: 'delta';
      readonly added: readonly PanelItem[];
      /** Seqs the store evicted (ring buffers are bounded). */
      readonly evicted: readonly number[];
      readonly live: readonly LiveSample[];
      /** The store was cleared before `added`. */
      readonly cleared?: boolean;
    }
  | { readonly type: 'forwarding'; readonly status: ForwardingStatus }
  | { readonly type: 'notice'; readonly level: 'info' | 'error'; readonly text: string };

/** Webview → host. */
export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'clear' }
  | { readonly type: 'setForwardingPaused'; readonly paused: boolean }
  | { readonly type: 'export' }
  | { readonly type: 'import' }
  | { readonly type: 'copyText'; readonly text: string };

const MAX_COPY_LENGTH = 1_000_000;

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
    case 'clear':
    case 'export':
    case 'import':
      return Object.keys(message).length === 1;
    case 'setForwardingPaused':
      return typeof message.paused === 'boolean';
    case 'copyText':
      return typeof message.text === 'string' && message.text.length <= MAX_COPY_LENGTH;
    default:
      return false;
  }
}

export function isHostToWebview(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'snapshot':
      return Array.isArray(message.items) && Array.isArray(message.live) && typeof message.forwarding === 'object' && message.forwarding !== null;
    case 'delta':
      return Array.isArray(message.added) && Array.isArray(message.evicted) && Array.isArray(message.live);
    case 'forwarding':
      return typeof message.status === 'object' && message.status !== null;
    case 'notice':
      return (message.level === 'info' || message.level === 'error') && typeof message.text === 'string';
    default:
      return false;
  }
}
