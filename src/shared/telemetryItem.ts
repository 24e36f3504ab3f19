/**
 * The store's normalised telemetry item: one envelope, flattened into what the panel shows and
 * filters on. Named after the Application Insights tables so what the user sees locally maps to
 * what they will query in the portal. Defined here, in src/shared, so the relay (src/core) and the
 * panel (src/webview, through {@link PanelItem} in messages.ts) name the same fields. Types and
 * constants only: no `vscode`, no Node built-ins.
 */
import type { ItemDelivery } from './delivery';

/** The Application Insights tables, in the order the panel lists them. */
export const TABLE_NAMES = [
  'requests',
  'dependencies',
  'traces',
  'exceptions',
  'customEvents',
  'customMetrics',
  'pageViews',
  'availabilityResults',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];

const TABLE_NAME_SET: ReadonlySet<string> = new Set(TABLE_NAMES);

export function isTableName(value: unknown): value is TableName {
  return typeof value === 'string' && TABLE_NAME_SET.has(value);
}

/** A field the store shortened: `limit` characters, or for a count (`entries`), `limit` entries kept. */
export interface TruncatedField {
  readonly field: string;
  readonly limit: number;
  readonly entries?: true;
}

export interface StackFrame {
  readonly level?: number;
  readonly method?: string;
  readonly assembly?: string;
  readonly fileName?: string;
  readonly line?: number;
}

export interface ExceptionDetail {
  readonly typeName?: string;
  readonly message?: string;
  /** The stack text as sent, or the parsed frames rendered one per line. */
  readonly stack?: string;
  readonly parsedStack?: readonly StackFrame[];
}

export interface MetricPoint {
  readonly name: string;
  readonly namespace?: string;
  readonly value: number;
  readonly count?: number;
  readonly min?: number;
  readonly max?: number;
  readonly stdDev?: number;
}

export interface TelemetryItem {
  /** Monotonic id given by the store; also the order of arrival. */
  readonly seq: number;
  readonly table: TableName;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly role?: string;
  readonly roleInstance?: string;
  /** Trace id; absent when the SDK sent none (or all zeros). */
  readonly operationId?: string;
  readonly operationName?: string;
  /** Id of the parent span/request, in the same form as {@link id}. */
  readonly parentId?: string;
  readonly id?: string;
  readonly name?: string;
  /** Milliseconds. */
  readonly duration?: number;
  readonly success?: boolean;
  readonly resultCode?: string;
  readonly target?: string;
  readonly type?: string;
  /** Request URL, or the dependency's command/URL (`data`). */
  readonly url?: string;
  readonly data?: string;
  /** 0 Verbose … 4 Critical. */
  readonly severity?: number;
  readonly message?: string;
  readonly exceptions?: readonly ExceptionDetail[];
  readonly metrics?: readonly MetricPoint[];
  readonly properties?: Readonly<Record<string, string>>;
  readonly measurements?: Readonly<Record<string, number>>;
  readonly sdkVersion?: string;
  /** Envelope `sampleRate` when it is not 100 (the item stands for 100/sampleRate items). */
  readonly sampleRate?: number;
  /** The SDK's own telemetry (envelope name `Statsbeat`): kept, but views may hide it. */
  readonly statsbeat?: true;
  /** Fields cut to Azure's limits (or entries beyond the relay's counts), as Azure Monitor would. */
  readonly truncated?: readonly TruncatedField[];
  /**
   * Where the item stands on its way to Azure Monitor (issue 19): set by the store when the relay
   * took it (local only, or queued), then the forwarder's answer. A shared value, not per item.
   */
  readonly delivery?: ItemDelivery;
  /** Approximate memory the item holds, for the store's byte budget (summed while normalising). */
  readonly bytes: number;
}
