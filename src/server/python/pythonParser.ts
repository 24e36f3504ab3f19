/**
 * Loads web-tree-sitter and the Python grammar (both WebAssembly). The server finds the two .wasm
 * files next to its own bundle (the VSIX ships dist/ only); tests point at node_modules.
 */
import * as path from 'node:path';
import type { Range, Tree } from 'web-tree-sitter';
// A require (not an import) so esbuild bundles the package's CommonJS build: its ESM build locates
// files with `import.meta.url`, which does not exist in our cjs bundle.
import TreeSitter = require('web-tree-sitter');

export interface WasmLocations {
  /** web-tree-sitter's runtime, `tree-sitter.wasm`. */
  readonly runtime: string;
  /** The grammar, `tree-sitter-python.wasm`. */
  readonly grammar: string;
}

export interface PythonParser {
  /** Parses `text`; pass the previous tree (already `edit`ed) to reparse incrementally. */
  parse(text: string, previous?: Tree): Tree;
  /** Parses only `range` of `text` (offsets and rows stay the document's): one statement, not the file. */
  parseRange(text: string, range: Range): Tree;
}

export function wasmBeside(directory: string): WasmLocations {
  return { runtime: path.join(directory, 'tree-sitter.wasm'), grammar: path.join(directory, 'tree-sitter-python.wasm') };
}

/** Where the packages keep them: for tests and tools running from the repository. */
export function wasmInNodeModules(repositoryRoot: string): WasmLocations {
  return {
    runtime: path.join(repositoryRoot, 'node_modules', 'web-tree-sitter', 'tree-sitter.wasm'),
    grammar: path.join(repositoryRoot, 'node_modules', 'tree-sitter-python', 'tree-sitter-python.wasm'),
  };
}

// The runtime can be initialised once per process; the first caller's location wins.
let runtimeReady: Promise<void> | undefined;

export async function loadPythonParser(locations: WasmLocations): Promise<PythonParser> {
  runtimeReady ??= TreeSitter.Parser.init({ locateFile: () => locations.runtime });
  await runtimeReady;
  const language = await TreeSitter.Language.load(locations.grammar);
  const parser = new TreeSitter.Parser();
  parser.setLanguage(language);
  const parsed = (tree: Tree | null): Tree => {
    if (!tree) {
      throw new Error('tree-sitter returned no tree.');
    }
    return tree;
  };
  return {
    parse: (text, previous) => parsed(parser.parse(text, previous ?? null)),
    parseRange: (text, range) => parsed(parser.parse(text, null, { includedRanges: [range] })),
  };
}
