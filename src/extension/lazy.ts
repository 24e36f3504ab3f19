/**
 * The one place where the extension loads its heavy parts on first use instead of at activation.
 *
 * Each `./lazy/<name>` module is the entry of its own bundle (`dist/<name>.js`, see esbuild.mjs,
 * which rewrites these `require`s to the sibling bundle and fails the build if the activation
 * bundle grows one of their packages back). Under `tsc` output (tests) the same `require` reaches
 * the compiled module directly, so both paths run the same code.
 *
 * - relay: RelayServer, ForwardQueue, store, Live Metrics proxy — loaded when the relay starts.
 *   Its own heavy parts (undici, selfsigned, protobufjs, KQL) load later still: src/core/lazy.ts.
 * - languageClient: vscode-languageclient — loaded when a Python document is open.
 * - panel: the Live Telemetry panel host (PanelFeed, the KQL evaluator with re2js) — loaded when
 *   the panel opens or is restored, or one of its commands runs.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- synchronous require of a sibling bundle is the point here */

export type RelayRuntime = typeof import('./lazy/relayRuntime');
export type LanguageClientRuntime = typeof import('./lazy/languageClientRuntime');
export type PanelRuntime = typeof import('./lazy/panelRuntime');

export function loadRelayRuntime(): RelayRuntime {
  return require('./lazy/relayRuntime') as RelayRuntime;
}

export function loadLanguageClientRuntime(): LanguageClientRuntime {
  return require('./lazy/languageClientRuntime') as LanguageClientRuntime;
}

export function loadPanelRuntime(): PanelRuntime {
  return require('./lazy/panelRuntime') as PanelRuntime;
}
