/**
 * The Application Insights ("Breeze") wire types, from the ingestion service's v2.1 swagger.
 * Only the shapes: validation lives with the receiver. Plain Node: never import `vscode` here.
 */

export type SeverityLevel = 0 | 1 | 2 | 3 | 4;
/** The swagger says string enum; the SDKs send integers 0–4. Receivers accept both. */
export type WireSeverityLevel = SeverityLevel | 'Verbose' | 'Information' | 'Warning' | 'Error' | 'Critical';

export type BaseType =
  | 'RequestData'
  | 'RemoteDependencyData'
  | 'MessageData'
  | 'ExceptionData'
  | 'MetricData'
  | 'EventData'
  | 'PageViewData'
  | 'PageViewPerfData'
  | 'AvailabilityData';

/** One telemetry item as posted to `/v2.1/track` (`TelemetryEnvelope` in the swagger). */
export interface Envelope {
  ver?: number;
  /** `Microsoft.ApplicationInsights.<Type>` or `Microsoft.ApplicationInsights.<ikey without dashes>.<Type>`. */
  name: string;
  /** UTC ISO 8601 with `Z`. */
  time: string;
  sampleRate?: number;
  seq?: string;
  iKey?: string;
  tags?: Record<string, string>;
  data?: {
    baseType: BaseType | string;
    baseData?: Record<string, unknown>;
  };
}

/** `TrackResponse`: the body of 200, 206 and most error answers. */
export interface TrackResponse {
  itemsReceived: number;
  itemsAccepted: number;
  errors: TrackError[];
}

export interface TrackError {
  /** Index into the posted array. */
  index: number;
  statusCode: number;
  message: string;
}

export const SEVERITY_NAMES: readonly string[] = ['Verbose', 'Information', 'Warning', 'Error', 'Critical'];

/** Tag keys we read (swagger `ContextTagKeys`). */
export const TAG = {
  operationId: 'ai.operation.id',
  operationName: 'ai.operation.name',
  operationParentId: 'ai.operation.parentId',
  cloudRole: 'ai.cloud.role',
  cloudRoleInstance: 'ai.cloud.roleInstance',
  sdkVersion: 'ai.internal.sdkVersion',
} as const;
