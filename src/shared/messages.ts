/**
 * Messages between the extension host and the live telemetry webview. Both sides import this file,
 * so a change to the protocol is a compile error on the side that was not updated.
 */

/** Webview → host. */
export type WebviewToHost = { readonly type: 'ready' };

/** Host → webview. */
export type HostToWebview = { readonly type: 'hello'; readonly version: string };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'ready';
}
