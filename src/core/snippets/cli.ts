/**
 * `azmon-relay snippets …`: list the catalogue as JSON, or print one snippet as a standalone
 * Python module. src/cli.ts dispatches `snippets` here.
 *
 * Plain Node: never import `vscode` here.
 */
import { listSnippets } from './listing';
import { findSnippet, renderStandalone } from './render';

const USAGE = 'Usage: azmon-relay snippets list\n       azmon-relay snippets render ID';

/** Returns the process exit code; everything printed goes through `out`. */
export function runSnippetsCommand(args: readonly string[], out: (text: string) => void): number {
  const [command, id, ...rest] = args;
  if (command === 'list' && id === undefined) {
    const summary = listSnippets().map(({ id: snippetId, title, sdk, signal, framework, packages }) => ({
      id: snippetId,
      title,
      sdk,
      signal,
      framework,
      packages,
    }));
    out(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  if (command === 'render' && id !== undefined && rest.length === 0) {
    if (!findSnippet(id)) {
      const known = listSnippets()
        .map((s) => s.id)
        .join(', ');
      out(`Unknown snippet "${id}". Known snippets: ${known}\n`);
      return 2;
    }
    out(renderStandalone(id));
    return 0;
  }
  out(`${USAGE}\n`);
  return 1;
}
