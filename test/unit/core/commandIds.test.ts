/**
 * The command table (src/shared/commandIds.ts) against package.json, both ways: every contributed
 * command is in the table and every palette entry of the table is contributed; menus,
 * keybindings, walkthrough links and activation events name only commands of the table; and no
 * source file spells a command id outside the table.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COMMAND_IDS, COMMANDS } from '../../../src/shared/commandIds';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const PREFIX = 'azureMonitorPython.';

interface Manifest {
  activationEvents?: string[];
  contributes: {
    commands?: { command: string }[];
    menus?: Record<string, { command?: string; submenu?: string }[]>;
    keybindings?: { command: string }[];
    walkthroughs?: { steps?: { description?: string; completionEvents?: string[]; media?: { markdown?: string } }[] }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const tableIds = new Set<string>(Object.values(COMMAND_IDS));
const paletteIds = new Set<string>(
  Object.values(COMMANDS)
    .filter((command) => command.palette)
    .map((command) => command.id),
);

/** Ids named by the walkthroughs: `command:` links in step texts and their markdown, `onCommand:` completion events. */
function walkthroughCommandIds(): { id: string; where: string }[] {
  const found: { id: string; where: string }[] = [];
  const links = (text: string, where: string): void => {
    for (const match of text.matchAll(/command:([A-Za-z0-9_.-]+)/g)) found.push({ id: match[1], where });
  };
  for (const walkthrough of manifest.contributes.walkthroughs ?? []) {
    for (const step of walkthrough.steps ?? []) {
      if (step.description) links(step.description, 'walkthrough step description');
      for (const event of step.completionEvents ?? [])
        if (event.startsWith('onCommand:')) found.push({ id: event.slice('onCommand:'.length), where: 'walkthrough completion event' });
      const markdown = step.media?.markdown;
      if (markdown && fs.existsSync(path.join(ROOT, markdown))) links(fs.readFileSync(path.join(ROOT, markdown), 'utf8'), markdown);
    }
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

describe('command ids: one table, checked against package.json', () => {
  it("the table has unique ids, all under the extension's prefix", () => {
    const ids = Object.values(COMMANDS).map((command) => command.id);
    assert.strictEqual(new Set(ids).size, ids.length);
    for (const id of ids) assert.ok(id.startsWith(PREFIX), id);
  });

  it('contributes.commands is exactly the palette entries of the table', () => {
    const contributed = (manifest.contributes.commands ?? []).map((command) => command.command);
    assert.strictEqual(new Set(contributed).size, contributed.length, 'a command contributed twice');
    assert.deepStrictEqual(
      contributed.filter((id) => !paletteIds.has(id)),
      [],
      'contributed in package.json but not a palette entry of src/shared/commandIds.ts',
    );
    assert.deepStrictEqual(
      [...paletteIds].filter((id) => !contributed.includes(id)),
      [],
      'a palette entry of src/shared/commandIds.ts is missing from contributes.commands (or mark it palette: false)',
    );
  });

  it('menus and keybindings name contributed commands only', () => {
    for (const [menu, entries] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const entry of entries) {
        if (entry.command === undefined) continue;
        assert.ok(paletteIds.has(entry.command), `menu ${menu} names ${entry.command}, which is not a contributed command of the table`);
      }
    }
    for (const binding of manifest.contributes.keybindings ?? []) {
      const id = binding.command.replace(/^-/, '');
      if (id.startsWith(PREFIX)) assert.ok(tableIds.has(id), `keybinding for unknown command ${id}`);
    }
  });

  it('walkthrough links and activation events name commands of the table', () => {
    for (const { id, where } of walkthroughCommandIds()) {
      if (id.startsWith(PREFIX)) assert.ok(tableIds.has(id), `${where} links ${id}, which is not in src/shared/commandIds.ts`);
    }
    for (const event of manifest.activationEvents ?? []) {
      if (event.startsWith(`onCommand:${PREFIX}`)) assert.ok(tableIds.has(event.slice('onCommand:'.length)), event);
    }
  });

  it('no source file spells a command id outside the table', () => {
    const table = path.join(ROOT, 'src', 'shared', 'commandIds.ts');
    const offenders: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      if (file === table) continue;
      const text = fs.readFileSync(file, 'utf8');
      // Quoted only: doc comments may name a command in backticks.
      for (const id of tableIds)
        if (text.includes(`'${id}'`) || text.includes(`"${id}"`)) offenders.push(`${path.relative(ROOT, file)}: ${id}`);
    }
    assert.deepStrictEqual(offenders, [], 'use COMMAND_IDS from src/shared/commandIds.ts');
  });

  it('no runtime lookup of the registered commands', () => {
    const offenders = sourceFiles(path.join(ROOT, 'src')).filter((file) => fs.readFileSync(file, 'utf8').includes('getCommands('));
    assert.deepStrictEqual(
      offenders.map((file) => path.relative(ROOT, file)),
      [],
      'every command is registered at activation: execute it by its id',
    );
  });
});
