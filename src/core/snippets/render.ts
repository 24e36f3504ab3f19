/**
 * The standalone rendering of a snippet: a complete, runnable Python module (imports, setup,
 * example, and an `if __name__ == "__main__":` entry point where one makes sense).
 *
 * Plain Node: never import `vscode` here.
 */
import { SNIPPETS } from './catalogue';
import { ImportIndex, missingImport, parseImport } from './pythonImports';
import { SnippetTemplate } from './types';

/** Standard-library modules the templates use: they form the first import group (PEP 8). */
const STANDARD_LIBRARY = new Set(['logging', 'os', 'sys', 'time', 'json', 'random', 'datetime']);

export function findSnippet(id: string): SnippetTemplate | undefined {
  return SNIPPETS.find((snippet) => snippet.id === id);
}

export function renderStandalone(id: string): string {
  const snippet = findSnippet(id);
  if (!snippet) {
    throw new Error(`Unknown snippet "${id}".`);
  }
  const sections: string[] = [];
  const imports = importGroups([...snippet.imports, ...(snippet.exampleImports ?? [])]);
  if (imports !== '') {
    sections.push(imports);
  }
  if (snippet.placement === 'end-of-file') {
    sections.push(...[snippet.example, snippet.setup].filter((s) => s.trim() !== ''));
  } else {
    sections.push(...[snippet.setup, snippet.example].filter((s) => s.trim() !== ''));
  }
  if (snippet.entryPoint) {
    sections.push(`if __name__ == "__main__":\n    ${snippet.entryPoint}`);
  }
  // PEP 8: one blank line after the docstring, two around top-level code blocks.
  return `${docstring(snippet)}\n\n${sections.join('\n\n\n')}\n`;
}

/** The imports and the setup alone: what a completion inserts at the cursor of an empty file. */
export function renderImportsAndSetup(snippet: SnippetTemplate): string {
  const imports = importGroups(snippet.imports);
  return imports === '' ? `${snippet.setup}\n` : `${imports}\n\n${snippet.setup}\n`;
}

function docstring(snippet: SnippetTemplate): string {
  const where = snippet.targetFile ? ` Belongs in ${snippet.targetFile}.` : '';
  return `"""${snippet.title}.\n\n${wrap(`${snippet.description}${where}`, 96).join('\n')}\n"""`;
}

/** Standard library first, then third-party packages, each in the order given, without duplicates. */
function importGroups(lines: readonly string[]): string {
  const index = new ImportIndex();
  const standard: string[] = [];
  const thirdParty: string[] = [];
  for (const line of lines) {
    const missing = missingImport(line, index);
    const parsed = parseImport(line);
    if (missing === undefined || parsed === undefined) {
      continue;
    }
    index.add(parsed);
    const root = (parsed.kind === 'from' ? parsed.module : parsed.names[0].name).split('.')[0];
    (STANDARD_LIBRARY.has(root) ? standard : thirdParty).push(line);
  }
  return [standard, thirdParty]
    .filter((group) => group.length > 0)
    .map((group) => group.join('\n'))
    .join('\n\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') {
    lines.push(line);
  }
  return lines;
}
