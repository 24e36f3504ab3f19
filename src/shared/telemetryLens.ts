/**
 * The "telemetry in the code" lenses (issue 18): the language server finds the places in a Python
 * file that become telemetry (route handlers, span-opening code, outgoing HTTP and database calls)
 * and answers {@link CODE_TELEMETRY_TARGETS_REQUEST}; the extension matches them against the
 * current run's requests and dependencies and draws "12 calls · p95 84 ms · 1 failed" above them.
 * Both sides import this file. Plain data: no `vscode`, no LSP library, no Node built-ins.
 */

/** Custom request, client → server: the telemetry targets of an open document. */
export const CODE_TELEMETRY_TARGETS_REQUEST = 'azureMonitorPython/codeTelemetryTargets';

/** Files longer than this (characters) get no targets, hence no lenses. */
export const MAX_LENS_DOCUMENT_LENGTH = 1_000_000;
/** At most this many targets per document (the rest are not reported). */
export const MAX_TARGETS_PER_DOCUMENT = 2_000;
/** Longest route template, span name, URL or statement kept in a target (characters). */
export const MAX_TARGET_TEXT = 500;

export interface CodeTelemetryTargetsParams {
  readonly uri: string;
}

export interface CodeTelemetryTargetsResult {
  /** The document version the targets are for. */
  readonly version: number;
  readonly targets: readonly CodeTelemetryTarget[];
}

export type RouteFramework = 'flask' | 'fastapi' | 'django';

/** A route handler: its requests are named `GET /orders/<int:id>` (or by Django URL name). */
export interface RouteTarget {
  readonly kind: 'route';
  /** 0-based line the lens goes above (the decorator's line, or the `path(...)` entry). */
  readonly line: number;
  readonly framework: RouteFramework;
  /** As written: Flask `/orders/<int:id>`, FastAPI `/items/{item_id}`, Django `orders/<int:id>/`. */
  readonly template: string;
  /** Django `re_path`: `template` is a regular expression. */
  readonly regex?: true;
  /** Upper-case HTTP methods; empty when any method routes here. */
  readonly methods: readonly string[];
  /** Django `name=` of the URL pattern (older OpenTelemetry Django spans are named by it). */
  readonly urlName?: string;
  /** The handler function, when known (shown nowhere; for tests and logs). */
  readonly handler?: string;
}

/** Code that opens a span named `name`: `tracer.span(name=…)`, `start_as_current_span(…)`, the decorator. */
export interface SpanTarget {
  readonly kind: 'span';
  readonly line: number;
  readonly name: string;
}

/**
 * An outgoing call that becomes a dependency. `url`/`statement` are what the code says, in parts:
 * text for literal pieces, `null` for an interpolated (f-string) piece.
 */
export interface DependencyTarget {
  readonly kind: 'http' | 'db';
  readonly line: number;
  /** `requests`, `httpx`, or for `db` the called method (`execute`). */
  readonly library: string;
  /** Upper-case HTTP method of an `http` call, when the code names it. */
  readonly method?: string;
  readonly url?: readonly (string | null)[];
  readonly statement?: readonly (string | null)[];
}

export type CodeTelemetryTarget = RouteTarget | SpanTarget | DependencyTarget;

/** What the lens shows for one target in the current run. */
export interface CallStats {
  readonly calls: number;
  /** Milliseconds; undefined when no call had a duration. */
  readonly p95?: number;
  readonly failed: number;
}
