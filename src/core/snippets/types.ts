/**
 * The shape of a snippet template. Templates are data (see `catalogue.ts`), shared by the insert
 * command, the language server's completions, the migration assistant and the CLI.
 *
 * Plain Node: never import `vscode` here.
 */

/** `otlp`: plain OpenTelemetry SDK with the OTLP/HTTP exporters (no Azure package). */
export type SnippetSdk = 'opentelemetry' | 'opencensus' | 'otlp';
export type SnippetSignal = 'traces' | 'metrics' | 'logs' | 'all';
export type SnippetFramework = 'none' | 'flask' | 'django' | 'fastapi' | 'requests' | 'psycopg2' | 'mysql' | 'postgresql';

export interface SnippetTemplate {
  /** Stable, kebab-case; used on the command line (`azmon-relay snippets render ID`). */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly sdk: SnippetSdk;
  readonly signal: SnippetSignal;
  readonly framework: SnippetFramework;
  /** pip distribution names the code needs. */
  readonly packages: readonly string[];
  /** Import lines the setup needs, one statement each, in display order. */
  readonly imports: readonly string[];
  /** Code placed after the imports (4-space indentation; re-indented to the file's style). */
  readonly setup: string;
  /** Body used only by the standalone rendering, after the setup. */
  readonly example: string;
  /** Extra imports only the example needs. */
  readonly exampleImports?: readonly string[];
  /** Statement run under `if __name__ == "__main__":` in the standalone rendering. */
  readonly entryPoint?: string;
  /**
   * Where the setup goes when inserted: after the last top-level import (default), or at the end
   * of the file (Django settings, which must extend names defined further down).
   */
  readonly placement?: 'after-imports' | 'end-of-file';
  /** The kind of file the snippet belongs in, when it is not "any module" (e.g. `settings.py`). */
  readonly targetFile?: string;
}

export interface SnippetFilter {
  readonly sdk?: SnippetSdk;
  readonly signal?: SnippetSignal;
  readonly framework?: SnippetFramework;
}
