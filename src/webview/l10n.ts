/**
 * The panel's strings in VS Code's display language. The host translates every string of
 * src/shared/webviewStrings.ts with vscode.l10n.t (so l10n/bundle.l10n.ko.json holds them) and puts
 * the table in the page as a JSON data block (`<script type="application/json" id="panel-strings">`,
 * never executed). English is the key and the fallback: without a table the panel reads English.
 * Translated strings, like telemetry, only ever become text nodes.
 */
import type { WebviewString } from '../shared/webviewStrings';

/** Same id as PANEL_STRINGS_ELEMENT_ID in src/extension/panel/panelStrings.ts. */
const STRINGS_ELEMENT_ID = 'panel-strings';

type Argument = string | number;

let table: ReadonlyMap<string, string> | undefined;

/** The table from the page, read once on first use (views build their text after the page loaded). */
function strings(): ReadonlyMap<string, string> {
  table ??= readTable();
  return table;
}

function readTable(): ReadonlyMap<string, string> {
  const result = new Map<string, string>();
  if (typeof document === 'undefined') return result;
  const text = document.getElementById(STRINGS_ELEMENT_ID)?.textContent;
  if (!text) return result;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return result;
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string' && value !== '') result.set(key, value);
  } catch {
    // A broken table leaves the panel in English rather than blank.
  }
  return result;
}

/** `t('{0} of {1}', shown, total)`: the translation of an English string, `{n}` filled in. */
export function t(english: WebviewString, ...args: readonly Argument[]): string {
  return fill(strings().get(english) ?? english, args);
}

/**
 * Count-dependent text: `one` when `count` is 1, else `other` (English rules; Korean has one form,
 * the table maps both to it). `{0}` is the formatted count, `{1}`… are `args`.
 */
export function plural(count: number, one: WebviewString, other: WebviewString, ...args: readonly Argument[]): string {
  return t(count === 1 ? one : other, countFormat.format(count), ...args);
}

const countFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

function fill(template: string, args: readonly Argument[]): string {
  return args.length === 0
    ? template
    : template.replace(/\{(\d+)\}/g, (match, index: string) => (Number(index) < args.length ? String(args[Number(index)]) : match));
}
