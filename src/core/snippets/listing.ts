/**
 * Querying the catalogue, and telling which SDK a file already uses (so the quick pick can offer
 * the matching snippets first).
 *
 * Plain Node: never import `vscode` here.
 */
import { SNIPPETS } from './catalogue';
import { ImportIndex } from './pythonImports';
import { scanStatements } from './pythonStatements';
import { SnippetFilter, SnippetSdk, SnippetTemplate } from './types';

export function listSnippets(filter: SnippetFilter = {}): SnippetTemplate[] {
  return SNIPPETS.filter(
    (snippet) =>
      (filter.sdk === undefined || snippet.sdk === filter.sdk) &&
      (filter.signal === undefined || snippet.signal === filter.signal) &&
      (filter.framework === undefined || snippet.framework === filter.framework),
  );
}

export type DetectedSdk = SnippetSdk | 'both' | 'none';

/** Looks at every import (nested ones too): `opencensus…` versus `opentelemetry…`/`azure.monitor.opentelemetry…`. */
export function detectSdk(sourceText: string): DetectedSdk {
  const modules = ImportIndex.fromStatements(scanStatements(sourceText)).modules();
  const opencensus = modules.some((m) => m === 'opencensus' || m.startsWith('opencensus.'));
  const opentelemetry = modules.some(
    (m) => m === 'opentelemetry' || m.startsWith('opentelemetry.') || m.startsWith('azure.monitor.opentelemetry'),
  );
  if (opencensus && opentelemetry) {
    return 'both';
  }
  return opencensus ? 'opencensus' : opentelemetry ? 'opentelemetry' : 'none';
}
