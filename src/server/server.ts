/**
 * The Python language server (started by the extension over IPC for `python` documents).
 * Foundation stage: it answers `initialize` and keeps documents in sync; the diagnostics arrive
 * with the Python language server issue.
 */
import { createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

connection.onInitialize(() => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  serverInfo: { name: 'Azure Monitor for Python' },
}));

documents.listen(connection);
connection.listen();
