/**
 * The webview's strings in the UI language, as the page carries them. Plain code (no `vscode`
 * import) so the browser tests build the very same block; panelHtml passes vscode.l10n.t as
 * `translate`.
 */
import { WEBVIEW_STRINGS } from '../../shared/webviewStrings';

export const PANEL_STRINGS_ELEMENT_ID = 'panel-strings';

/** English → translation, only where they differ (an English UI gets an empty table). */
export function panelStrings(translate: (english: string) => string): Record<string, string> {
  const table: Record<string, string> = {};
  for (const english of WEBVIEW_STRINGS) {
    const translated = translate(english);
    if (typeof translated === 'string' && translated !== '' && translated !== english) table[english] = translated;
  }
  return table;
}

/**
 * A JSON data block: never executed (so the CSP's script-src is not involved), read by the webview's
 * l10n module. `<` is escaped so no translation can close the element.
 */
export function panelStringsScript(table: Readonly<Record<string, string>>, nonce: string): string {
  const json = JSON.stringify(table)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" id="${PANEL_STRINGS_ELEMENT_ID}" nonce="${nonce}">${json}</script>`;
}
