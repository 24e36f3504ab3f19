/**
 * Every user-facing string has its Korean translation: the manifest's %keys%, every
 * vscode.l10n.t('…') call in src/extension and l10n.t('…') call (@vscode/l10n) in src/server (found
 * by reading the sources, so a new string without a translation fails here), the webview's string
 * catalogue (src/shared/webviewStrings.ts, which the host translates for the panel), and the snippet
 * titles and descriptions the completions and the snippet picker show.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { listSnippets } from '../../../src/core/snippets';
import { WEBVIEW_STRINGS } from '../../../src/shared/webviewStrings';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const readJson = (file: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** A single-quoted string literal; its text is the capture group. */
const LITERAL = String.raw`'((?:[^'\\]|\\.)*)'`;
/** `t('…'` and `l10n.t('…'`: the first argument. */
const FIRST_ARGUMENT = (callee: string): RegExp => new RegExp(String.raw`${callee}\(\s*${LITERAL}`, 'g');
/** `plural(count, '…one', '…other'`: both forms. */
const PLURAL_FORMS = new RegExp(String.raw`\bplural\([\s\S]*?,\s*${LITERAL},\s*${LITERAL}`, 'g');

/** Every captured literal of `pattern` in the .ts files under src/<folder>. */
function literalsOf(folder: string, pattern: RegExp): Set<string> {
  const strings = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, 'src', folder))) {
    for (const match of fs.readFileSync(file, 'utf8').matchAll(pattern)) {
      for (const text of match.slice(1)) strings.add(text.replace(/\\'/g, "'"));
    }
  }
  return strings;
}

const placeholders = (value: string): string => (value.match(/\{\d+\}/g) ?? []).sort().join();

function assertKorean(strings: Iterable<string>): void {
  const bundle = readJson('l10n/bundle.l10n.ko.json');
  for (const text of strings) {
    assert.ok(bundle[text], `l10n/bundle.l10n.ko.json translates "${text}"`);
    assert.strictEqual(placeholders(bundle[text]), placeholders(text), `placeholders of "${text}"`);
  }
}

describe('localization', () => {
  it('every %key% in package.json exists in package.nls.json and package.nls.ko.json', () => {
    const manifest = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    const keys = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((match) => match[1]);
    assert.ok(keys.length >= 5, 'the manifest uses %keys%');
    const english = readJson('package.nls.json');
    const korean = readJson('package.nls.ko.json');
    for (const key of keys) {
      assert.ok(english[key], `package.nls.json has ${key}`);
      assert.ok(korean[key], `package.nls.ko.json has ${key}`);
    }
  });

  it('every vscode.l10n.t string in src/extension has a Korean entry with the same placeholders', () => {
    const strings = literalsOf('extension', FIRST_ARGUMENT(String.raw`l10n\.t`));
    assert.ok(strings.size >= 5, 'the sources use vscode.l10n.t');
    assertKorean(strings);
  });

  it('every l10n.t string in src/server has a Korean entry with the same placeholders', () => {
    const strings = literalsOf('server', FIRST_ARGUMENT(String.raw`l10n\.t`));
    assert.ok(strings.size >= 20, `the server uses l10n.t (${strings.size} strings)`);
    assertKorean(strings);
  });

  it('the webview catalogue is complete and every entry has a Korean translation', () => {
    const catalogue = new Set<string>(WEBVIEW_STRINGS);
    assert.strictEqual(catalogue.size, WEBVIEW_STRINGS.length, 'no duplicates in src/shared/webviewStrings.ts');
    const used = new Set([...literalsOf('webview', FIRST_ARGUMENT(String.raw`\bt`)), ...literalsOf('webview', PLURAL_FORMS)]);
    assert.ok(used.size >= 50, `the webview uses t() (${used.size} strings)`);
    for (const text of used) assert.ok(catalogue.has(text), `src/shared/webviewStrings.ts lists "${text}"`);
    assertKorean(catalogue);
  });

  it('every snippet title and description has a Korean translation', () => {
    const snippets = listSnippets();
    assert.ok(snippets.length >= 10);
    assertKorean(snippets.flatMap((snippet) => [snippet.title, snippet.description]));
  });
});
