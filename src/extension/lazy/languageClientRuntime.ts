/** Entry of `dist/languageClient.js` (see ../lazy.ts): vscode-languageclient, loaded when a Python document is open. */
export { LanguageClient, TransportKind } from 'vscode-languageclient/node';
