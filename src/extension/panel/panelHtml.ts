/**
 * The panel's HTML: a strict Content-Security-Policy with a fresh nonce per load (from crypto, not
 * Math.random), scripts and styles only from the extension's dist/ and media/ folders. The
 * webview's strings come translated into the UI language in a JSON data block (panelStrings.ts).
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { panelStrings, panelStringsScript } from './panelStrings';

export function createNonce(): string {
  return randomBytes(18)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '');
}

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, nonce = createNonce()): string {
  const asset = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('dist', 'webview', 'codicon.css')}">
<link rel="stylesheet" href="${asset('media', 'panel.css')}">
<title>${escapeText(vscode.l10n.t('Live Telemetry'))}</title>
</head>
<body>
<div id="app" data-loading="${escapeAttribute(vscode.l10n.t('Waiting for telemetry…'))}"></div>
${panelStringsScript(
  panelStrings((english) => vscode.l10n.t(english)),
  nonce,
)}
<script nonce="${nonce}" src="${asset('dist', 'webview', 'main.js')}"></script>
</body>
</html>`;
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}
