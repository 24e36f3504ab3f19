/**
 * Every user-facing string has its Korean translation: the manifest's %keys% and every
 * vscode.l10n.t('…') call in src/extension (found by reading the sources, so a new string without
 * a translation fails here).
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, string>;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
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
    const bundle = readJson('l10n/bundle.l10n.ko.json');
    const strings = new Set<string>();
    for (const file of sourceFiles(path.join(ROOT, 'src', 'extension'))) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)) {
        strings.add(match[1].replace(/\\'/g, "'"));
      }
    }
    assert.ok(strings.size >= 5, 'the sources use vscode.l10n.t');
    for (const text of strings) {
      assert.ok(bundle[text], `l10n/bundle.l10n.ko.json translates "${text}"`);
      const placeholders = (value: string): string => (value.match(/\{\d+\}/g) ?? []).sort().join();
      assert.strictEqual(placeholders(bundle[text]), placeholders(text), `placeholders of "${text}"`);
    }
  });
});
