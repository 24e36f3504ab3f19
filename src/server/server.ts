/**
 * Entry point of the Python language server (bundled to dist/server.js). The extension starts it
 * over IPC (`--node-ipc`) for Python documents; `--stdio` works too (tests, other editors). The
 * tree-sitter runtime and Python grammar (.wasm) ship next to the bundle.
 */
import * as path from 'path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './languageServer';
import { loadPythonParser, wasmBeside } from './python/pythonParser';

const connection = createConnection(ProposedFeatures.all);
startLanguageServer(connection, loadPythonParser(wasmBeside(__dirname)), { l10nBundleDir: path.join(__dirname, '..', 'l10n') });
connection.listen();
