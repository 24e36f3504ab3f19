/**
 * The server's messages in the editor's language, with @vscode/l10n. The client says which
 * language in `initializationOptions.locale` (our extension sends vscode.env.language) or in the
 * standard `InitializeParams.locale`; the server then loads `l10n/bundle.l10n.<locale>.json` — the
 * extension's own bundle, so one file holds the Korean of the extension and of the server. English
 * (or a language without a bundle) keeps the English source strings.
 *
 * Must run before any l10n.t() call: rules build their messages when they run, never at import.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'fs';
import * as path from 'path';

export interface LocaleSource {
  readonly locale?: string;
  readonly initializationOptions?: unknown;
}

/** `initializationOptions.locale` when the client sent one, else `InitializeParams.locale`. */
export function requestedLocale(params: LocaleSource): string | undefined {
  const options = params.initializationOptions;
  const fromOptions = typeof options === 'object' && options !== null ? (options as { locale?: unknown }).locale : undefined;
  const locale = typeof fromOptions === 'string' && fromOptions !== '' ? fromOptions : params.locale;
  return typeof locale === 'string' && /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*$/.test(locale)
    ? locale.toLowerCase().replace(/_/g, '-')
    : undefined;
}

/** The bundle file for `locale` in `bundleDir` (`zh-tw`, then `zh`), or undefined for English or none. */
export function bundleFor(locale: string | undefined, bundleDir: string): string | undefined {
  if (!locale || locale === 'en' || locale.startsWith('en-')) return undefined;
  const candidates = [locale, locale.split('-')[0]!];
  return candidates.map((candidate) => path.join(bundleDir, `bundle.l10n.${candidate}.json`)).find((file) => fs.existsSync(file));
}

/** Loads the translations the client asked for; returns the bundle used, if any. */
export function configureLocalization(params: LocaleSource, bundleDir: string): string | undefined {
  const file = bundleFor(requestedLocale(params), bundleDir);
  if (file) l10n.config({ fsPath: file });
  return file;
}
