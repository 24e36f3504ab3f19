/**
 * Telemetry that is hostile by shape rather than by markup (issue 12, items 8 and 9): a parent
 * chain 100,000 spans deep, names of 100,000 characters, right-to-left overrides that disguise
 * `…gnp.exe` as `…exe.png`, and an item whose JSON is larger than one message to the host.
 */
import * as assert from 'assert';
import { COPY_CHUNK_LENGTH, MAX_COPY_LENGTH, type PanelItem } from '../../../src/shared/messages';
import { FORWARDING, ItemFactory, snapshot } from './fixtures';
import { type PanelPage, usePanelPages } from './panelPage';

const OPERATION = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = (index: number): string => `a${index.toString(16).padStart(15, '0')}`;
/** U+202E RIGHT-TO-LEFT OVERRIDE: `invoice\u202Egnp.exe` displays as `invoiceexe.png`. */
const RLO = '\u202E';
const DISGUISED = `invoice${RLO}gnp.exe`;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** Text lengths of what the page renders: every text node and every tooltip / accessible name. */
const RENDERED_TEXT_PROBE = `(() => {
  const walker = document.createTreeWalker(document.getElementById('app'), NodeFilter.SHOW_TEXT);
  let longestText = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) longestText = Math.max(longestText, node.data.length);
  let longestAttribute = 0;
  for (const element of document.querySelectorAll('#app [title], #app [aria-label]')) {
    longestAttribute = Math.max(longestAttribute, (element.getAttribute('title') ?? '').length, (element.getAttribute('aria-label') ?? '').length);
  }
  return { longestText, longestAttribute };
})()`;

/** Where bidi controls or the disguised name reach the page (text nodes and text attributes). */
const BIDI_PROBE = `(() => {
  const controls = /[\\u202A-\\u202E\\u2066-\\u2069]/;
  const found = [];
  const notIsolated = [];
  const walker = document.createTreeWalker(document.getElementById('app'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const host = node.parentElement;
    if (controls.test(node.data)) found.push('text in ' + host.className);
    // vscode-single-select draws its options from their innerText in its own shadow DOM (one
    // option per line, so nothing around them to reorder): there the controls are neutralised only.
    if (node.data.includes('gnp.exe') && !host.closest('bdi, vscode-option') && !host.closest('.metrics-view, .map-view')) notIsolated.push(host.tagName + '.' + host.className);
  }
  for (const element of document.querySelectorAll('#app *')) {
    for (const name of ['title', 'aria-label', 'label']) {
      if (controls.test(element.getAttribute(name) ?? '')) found.push(name + ' of ' + element.tagName + '.' + element.className);
    }
  }
  return { found, notIsolated, shown: document.querySelectorAll('#app bdi').length };
})()`;

interface BidiProbe {
  found: string[];
  notIsolated: string[];
  shown: number;
}

function chain(depth: number): PanelItem[] {
  const f = new ItemFactory(Date.now() - 60_000);
  const items: PanelItem[] = [];
  for (let level = depth - 1; level >= 0; level--) {
    items.push(
      f.item({
        at: level,
        table: level === 0 ? 'requests' : 'dependencies',
        role: 'deep-app',
        operationId: OPERATION,
        id: spanId(level),
        parentId: level === 0 ? undefined : spanId(level - 1),
        name: `call level ${level}`,
        type: 'InProc',
        duration: depth - level,
        success: true,
      }),
    );
  }
  return items;
}

describe('Webview panel: hostile shapes of telemetry', function () {
  this.timeout(180_000);
  const pages = usePanelPages();
  let panel: PanelPage;
  beforeEach(() => {
    panel = pages.panel;
  });

  const transactions = () => panel.view('transactions');

  it('shows the waterfall of a 100,000-span parent chain, from the root down to the deepest span', async () => {
    await panel.send(snapshot(chain(100_000)));
    await transactions().locator('.operations-list .vlist-row', { hasText: 'call level 0' }).click();
    const rows = transactions().locator('.waterfall-list .vlist-row');
    await rows.first().waitFor();
    assert.strictEqual(await rows.first().locator('.waterfall-label').innerText(), 'call level 0');
    assert.strictEqual(await rows.nth(5).getAttribute('data-depth'), '5');
    await panel.screenshot('deep-chain-top');
    await rows.first().click();
    await panel.page.keyboard.press('End');
    const deepest = transactions().locator('.waterfall-list .vlist-row[data-depth="99999"]');
    await deepest.waitFor();
    // Indentation stops growing: the deepest label is still inside the list, its depth spelled out.
    const label = deepest.locator('.waterfall-label');
    assert.strictEqual(await label.innerText(), 'call level 99999');
    const [labelBox, nameBox] = [await label.boundingBox(), await deepest.locator('.waterfall-name').boundingBox()];
    assert.ok(
      labelBox && nameBox && labelBox.width >= 80 && labelBox.x + labelBox.width <= nameBox.x + nameBox.width + 1,
      `label ${JSON.stringify(labelBox)} in name cell ${JSON.stringify(nameBox)}`,
    );
    assert.match(await deepest.locator('.waterfall-depth').innerText(), /99,999/);
    await panel.screenshot('deep-chain-bottom');
    assert.deepStrictEqual(panel.errors, []);
  });

  it('shows every span of a parent cycle and of a span that is its own parent', async () => {
    const f = new ItemFactory(Date.now() - 5000);
    const common = { table: 'dependencies' as const, operationId: OPERATION, role: 'loop', duration: 3, success: true };
    await panel.send(
      snapshot([
        f.item({ at: 0, ...common, id: 'aaaaaaaaaaaaaaa1', parentId: 'aaaaaaaaaaaaaaa3', name: 'cycle a' }),
        f.item({ at: 1, ...common, id: 'aaaaaaaaaaaaaaa2', parentId: 'aaaaaaaaaaaaaaa1', name: 'cycle b' }),
        f.item({ at: 2, ...common, id: 'aaaaaaaaaaaaaaa3', parentId: 'aaaaaaaaaaaaaaa2', name: 'cycle c' }),
        f.item({ at: 3, ...common, id: 'aaaaaaaaaaaaaaa4', parentId: 'aaaaaaaaaaaaaaa4', name: 'own parent' }),
      ]),
    );
    await transactions().locator('.operations-list .vlist-row').first().click();
    const labels = transactions().locator('.waterfall-list .vlist-row .waterfall-label');
    await labels.first().waitFor();
    assert.deepStrictEqual((await labels.allInnerTexts()).sort(), ['cycle a', 'cycle b', 'cycle c', 'own parent']);
  });

  describe('100,000-character names and messages', () => {
    const LONG = 100_000;
    const long = (prefix: string): string => prefix + 'x'.repeat(LONG - prefix.length - 3) + 'END';
    function longItems(): PanelItem[] {
      const f = new ItemFactory(Date.now() - 60_000);
      const items: PanelItem[] = [];
      for (let index = 0; index < 100; index++) {
        const operationId = `${index.toString(16).padStart(32, 'b')}`;
        items.push(
          f.item({
            at: index * 10,
            table: 'requests',
            role: long('role '),
            operationId,
            id: spanId(index),
            name: long(`GET /long/${index} `),
            duration: 5,
            success: true,
            resultCode: '200',
            properties: { [long('key ')]: long('value ') },
          }),
        );
        items.push(
          f.item({
            at: index * 10 + 1,
            table: 'traces',
            role: 'api',
            operationId,
            parentId: spanId(index),
            severity: 1,
            message: long(`log ${index} `),
          }),
        );
      }
      items.push(
        f.item({
          at: 2000,
          table: 'exceptions',
          role: 'api',
          operationId: '0'.repeat(31) + '1',
          severity: 3,
          exceptions: [{ typeName: long('ValueError'), message: long('bad '), stack: long('Traceback ') }],
        }),
      );
      return items;
    }

    it('keeps every name whole but renders at most 1,000 characters in rows, titles and tooltips', async () => {
      await panel.send(snapshot(longItems()));
      await transactions().locator('.operations-list .vlist-row').first().waitFor();
      await transactions().locator('.waterfall-list .vlist-row').first().waitFor();
      const lengths = async (selector: string): Promise<number[]> =>
        transactions()
          .locator(selector)
          .evaluateAll((elements) => elements.map((element) => (element.textContent ?? '').length));
      for (const length of await lengths('.operations-list .cell-name'))
        assert.ok(length <= 1001, `a transaction name renders ${length} characters`);
      for (const length of await lengths('.operations-list .cell-role')) assert.ok(length <= 1001, `a role renders ${length} characters`);
      for (const length of await lengths('.transaction-name, .waterfall-label'))
        assert.ok(length <= 1001, `a title renders ${length} characters`);
      const titles = await transactions()
        .locator('.operations-list .vlist-row, .waterfall-list .vlist-row')
        .evaluateAll((elements) => elements.map((element) => element.getAttribute('title') ?? ''));
      for (const title of titles) assert.ok(title.length <= 1200, `a tooltip holds ${title.length} characters`);
      // The capped name leaves room for the tooltip's other line (operation id, duration, status).
      assert.ok(
        titles.some((title) => /\n(operation_Id |request · 5 ms)/.test(title)),
        titles.map((title) => title.slice(-80)).join(' | '),
      );

      await panel.showView('logs');
      const messages = await panel
        .view('logs')
        .locator('.logs-list .message-text')
        .evaluateAll((elements) => elements.map((element) => (element.textContent ?? '').length));
      assert.ok(messages.length > 10);
      for (const length of messages) assert.ok(length <= 1001, `a log row renders ${length} characters`);
      const rendered = (await panel.page.evaluate(RENDERED_TEXT_PROBE)) as { longestText: number; longestAttribute: number };
      assert.ok(rendered.longestText <= 10_001, `longest text node: ${rendered.longestText}`);
      assert.ok(rendered.longestAttribute <= 1_200, `longest tooltip: ${rendered.longestAttribute}`);
      await panel.screenshot('long-names-logs');
    });

    it('shows long text in the details pane in chunks, and all of it after "Show more"', async () => {
      const items = longItems();
      await panel.send(snapshot(items));
      await panel.showView('logs');
      await panel.view('logs').locator('.logs-list .vlist-row', { hasText: 'log 99 ' }).click();
      const message = panel.view('logs').locator('.details-pane pre.message');
      await message.waitFor();
      const shown = async (): Promise<number> => (await message.locator('bdi').evaluate((element) => element.textContent ?? '')).length;
      assert.strictEqual(await shown(), 10_000);
      const more = message.locator('button.show-more');
      assert.match(await more.innerText(), /10,000 of 100,000 characters/);
      await panel.screenshot('long-message-details');
      await more.click();
      assert.strictEqual(await shown(), 20_000);
      while ((await more.count()) > 0) await more.click();
      const whole = await message.locator('bdi').evaluate((element) => element.textContent ?? '');
      assert.strictEqual(whole, items.find((item) => item.message?.startsWith('log 99 '))!.message);

      // The exception's type, message and stack, and a property's key and value, start capped too.
      await panel.view('logs').locator('.logs-list .vlist-row.table-exceptions').click();
      await panel.view('logs').locator('.details-pane pre.stack').waitFor();
      const rendered = (await panel.page.evaluate(RENDERED_TEXT_PROBE)) as { longestText: number };
      assert.ok(rendered.longestText <= 10_001, `longest text node: ${rendered.longestText}`);
      assert.ok((await panel.view('logs').locator('.details-pane button.show-more').count()) >= 3);
    });
  });

  it('isolates bidirectional text and shows override characters instead of obeying them, in every view', async () => {
    const f = new ItemFactory(Date.now() - 10_000);
    const op = { operationId: OPERATION, role: `role ${DISGUISED}`, roleInstance: DISGUISED };
    await panel.send(
      snapshot(
        [
          f.item({
            at: 0,
            table: 'requests',
            ...op,
            id: 'aaaaaaaaaaaaaaa1',
            name: `GET /files/${DISGUISED}`,
            duration: 40,
            success: false,
            resultCode: '500',
            properties: { [`file ${DISGUISED}`]: `path \u2067${DISGUISED}\u2069` },
          }),
          f.item({
            at: 2,
            table: 'dependencies',
            ...op,
            parentId: 'aaaaaaaaaaaaaaa1',
            id: 'aaaaaaaaaaaaaaa2',
            name: `download ${DISGUISED}`,
            type: `HTTP${RLO}`,
            target: `cdn.example/${DISGUISED}`,
            duration: 10,
            success: true,
          }),
          f.item({ at: 3, table: 'traces', ...op, parentId: 'aaaaaaaaaaaaaaa1', severity: 2, message: `saved \u202B${DISGUISED}\u202C` }),
          f.item({
            at: 4,
            table: 'exceptions',
            ...op,
            parentId: 'aaaaaaaaaaaaaaa1',
            severity: 3,
            exceptions: [{ typeName: `Error${RLO}`, message: `cannot open ${DISGUISED}`, stack: `File "${DISGUISED}", line 1` }],
          }),
          f.item({ at: 5, table: 'customMetrics', role: op.role, metrics: [{ name: `size ${DISGUISED}`, value: 3 }] }),
        ],
        { forwarding: { ...FORWARDING, lastError: `upstream said ${DISGUISED}` } },
      ),
    );
    await panel.send({ type: 'notice', level: 'info', text: `Imported 1 item from ${DISGUISED}.` });
    const probe = async (where: string): Promise<void> => {
      const result = (await panel.page.evaluate(BIDI_PROBE)) as BidiProbe;
      assert.deepStrictEqual(result.found, [], `${where}: bidi controls reach the page`);
      assert.deepStrictEqual(result.notIsolated, [], `${where}: telemetry text outside <bdi>`);
      assert.ok(result.shown > 0, `${where}: no <bdi> at all`);
    };

    await transactions().locator('.operations-list .vlist-row').first().click();
    await transactions().locator('.waterfall-list .vlist-row').first().waitFor();
    assert.strictEqual(
      await transactions().locator('.operations-list .cell-name').first().innerText(),
      `GET /files/invoice[U+202E]gnp.exe`,
    );
    assert.strictEqual(await transactions().locator('.transaction-name').innerText(), `GET /files/invoice[U+202E]gnp.exe`);
    assert.ok(
      (await transactions().locator('.operations-list .vlist-row').first().getAttribute('title'))!.startsWith(
        `GET /files/invoice[U+202E]gnp.exe\n`,
      ),
    );
    await transactions().locator('.waterfall-list .vlist-row', { hasText: 'download' }).click();
    assert.strictEqual(await transactions().locator('.item-pane .details-title').innerText(), `download invoice[U+202E]gnp.exe`);
    await probe('transactions, dependency details');
    await transactions().locator('.waterfall-list .vlist-row').first().click();
    assert.strictEqual(
      await transactions().locator('.item-pane td', { hasText: 'path' }).innerText(),
      `path [U+2067]invoice[U+202E]gnp.exe[U+2069]`,
    );
    await probe('transactions, request details');
    await panel.screenshot('bidi-transactions');

    await panel.showView('logs');
    await panel.view('logs').locator('.logs-list .vlist-row', { hasText: 'saved' }).click();
    assert.strictEqual(
      await panel.view('logs').locator('.details-pane pre.message').innerText(),
      'saved [U+202B]invoice[U+202E]gnp.exe[U+202C]',
    );
    await probe('logs, trace details');
    await panel.view('logs').locator('.logs-list .vlist-row.table-exceptions').click();
    await probe('logs, exception details');
    await panel.view('logs').locator(`vscode-single-select[aria-label="Role"]`).click();
    assert.strictEqual(
      await panel
        .view('logs')
        .locator('vscode-single-select[aria-label="Role"]')
        .getByRole('option', { name: 'role invoice[U+202E]gnp.exe' })
        .count(),
      1,
    );
    await panel.page.keyboard.press('Escape');
    await panel.screenshot('bidi-logs');

    for (const view of ['metrics', 'map', 'live'] as const) {
      await panel.showView(view);
      await probe(view);
    }
    assert.ok((await panel.page.locator('.notice-text').innerText()).includes('invoice[U+202E]gnp.exe'));
    assert.ok((await panel.page.locator('.forwarding-strip').innerText()).includes('invoice[U+202E]gnp.exe'));
    assert.ok(!BIDI_CONTROL.test(await panel.page.locator('.forwarding-strip').innerText()));
  });

  describe('Copy as JSON of an item larger than one message', () => {
    const bigItem = (length: number): PanelItem => ({
      seq: 1,
      table: 'traces',
      time: Date.now(),
      role: 'api',
      severity: 1,
      message: `big ${'y'.repeat(length)} end`,
    });
    async function copyDetails(item: PanelItem): Promise<void> {
      await panel.send(snapshot([item]));
      await panel.showView('logs');
      await panel.view('logs').locator('.logs-list .vlist-row').first().click();
      await panel.view('logs').locator('.details-pane vscode-button', { hasText: 'Copy as JSON' }).click();
    }
    const answer = (id: number, ok: boolean, error?: string) => panel.send({ type: 'copyResult', id, ok, ...(error ? { error } : {}) });
    const notices = async (): Promise<string[]> => panel.page.locator('.notice-text').allInnerTexts();

    it('sends 1.5 million characters in chunks and says "copied" only when the host has written the clipboard', async () => {
      const item = bigItem(1_500_000);
      await copyDetails(item);
      const chunks = await panel.postedOfType('copyText');
      assert.strictEqual(chunks.length, 2);
      assert.deepStrictEqual(
        chunks.map(({ id, index, count }) => ({ id, index, count })),
        [
          { id: chunks[0]!.id, index: 0, count: 2 },
          { id: chunks[0]!.id, index: 1, count: 2 },
        ],
      );
      for (const chunk of chunks) assert.ok(chunk.text.length <= COPY_CHUNK_LENGTH);
      assert.strictEqual(chunks.map((chunk) => chunk.text).join(''), JSON.stringify(item, null, 2));
      await panel.settle();
      assert.deepStrictEqual(await notices(), [], 'nothing is said before the host answers');
      await answer(chunks[0]!.id, true);
      assert.deepStrictEqual(await notices(), ['Item JSON copied to the clipboard.']);
    });

    it("says the copy failed, with the host's reason, when the host could not write the clipboard", async () => {
      await copyDetails(bigItem(10));
      const [chunk] = await panel.postedOfType('copyText');
      await answer(chunk!.id + 1, true); // an answer to some other copy says nothing
      await answer(chunk!.id, false, 'clipboard unavailable');
      assert.deepStrictEqual(await notices(), ['Item JSON was not copied: clipboard unavailable']);
      assert.strictEqual(await panel.page.locator('.notice-error').count(), 1);
    });

    it('refuses an item over the copy limit, saying so, and sends nothing', async () => {
      await copyDetails(bigItem(MAX_COPY_LENGTH));
      await panel.settle();
      assert.deepStrictEqual(await panel.postedOfType('copyText'), []);
      const [text] = await notices();
      assert.match(text!, /^Item JSON is too large to copy \([\d,]+ characters; the limit is 16,000,000\)\. Export the items instead\.$/);
      await panel.screenshot('copy-too-large');
    });
  });
});
