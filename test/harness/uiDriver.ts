/**
 * Lets extension-host tests drive the real workbench UI. The tests run inside the extension host
 * and cannot press keys; this loopback HTTP endpoint (its URL reaches them through the
 * AZMON_UI_DRIVER_URL environment variable) performs Playwright actions on the page for them.
 * Test infrastructure only: never part of the extension.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import type { Page } from 'playwright-core';

export type UiAction =
  | { action: 'waitFor'; selector: string; timeoutMs?: number }
  | { action: 'fill'; selector: string; text: string }
  | { action: 'type'; text: string }
  | { action: 'press'; key: string }
  | { action: 'text'; selector: string }
  /** The value of an input element (what `text` cannot read). */
  | { action: 'value'; selector: string }
  | { action: 'click'; selector: string }
  | { action: 'attribute'; selector: string; name: string }
  | { action: 'screenshot'; path: string }
  /** The workbench page's localStorage and every IndexedDB store, as one text (for the secrets sweep). */
  | { action: 'browserStorage' };

export interface UiDriver {
  readonly url: string;
  attach(page: Page): void;
  close(): Promise<void>;
}

export async function startUiDriver(): Promise<UiDriver> {
  let page: Page | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const reply = (status: number, body: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method !== 'POST' || !page) {
        return reply(409, { ok: false, error: page ? 'POST only' : 'no page attached yet' });
      }
      try {
        const action = JSON.parse(Buffer.concat(chunks).toString('utf8')) as UiAction;
        reply(200, { ok: true, value: await perform(page, action) });
      } catch (error) {
        reply(200, { ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    attach: (attached) => {
      page = attached;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function perform(page: Page, request: UiAction): Promise<unknown> {
  switch (request.action) {
    case 'waitFor':
      await page
        .locator(request.selector)
        .first()
        .waitFor({ state: 'visible', timeout: request.timeoutMs ?? 20_000 });
      return true;
    case 'fill':
      await page.locator(request.selector).first().fill(request.text);
      return true;
    case 'type':
      await page.keyboard.type(request.text);
      return true;
    case 'press':
      await page.keyboard.press(request.key);
      return true;
    case 'text':
      return page.locator(request.selector).first().innerText();
    case 'value':
      return page.locator(request.selector).first().inputValue();
    case 'click':
      await page.locator(request.selector).first().click();
      return true;
    case 'attribute':
      return page.locator(request.selector).first().getAttribute(request.name);
    case 'screenshot':
      await page.screenshot({ path: request.path });
      return request.path;
    case 'browserStorage':
      return page.evaluate(DUMP_BROWSER_STORAGE);
  }
}

/**
 * Runs in the page: the web workbench keeps its state (global and workspace storage, the terminal
 * environment collections, secrets encrypted) in localStorage and IndexedDB, not on the server's disk.
 * Binary values are decoded as UTF-8 so a plain-text secret in them is still visible.
 */
const DUMP_BROWSER_STORAGE = `(async () => {
  const text = (value) => value instanceof ArrayBuffer || ArrayBuffer.isView(value)
    ? new TextDecoder('utf-8').decode(value instanceof ArrayBuffer ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength))
    : typeof value === 'string' ? value : JSON.stringify(value, (_k, v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? text(v) : v));
  const done = (request) => new Promise((resolve, reject) => { request.onsuccess = () => resolve(request.result); request.onerror = () => reject(request.error); });
  const out = { localStorage: {}, sessionStorage: {}, indexedDB: {} };
  for (const [name, store] of [['localStorage', localStorage], ['sessionStorage', sessionStorage]]) {
    for (let index = 0; index < store.length; index++) out[name][store.key(index)] = store.getItem(store.key(index));
  }
  for (const { name } of await indexedDB.databases()) {
    const db = await done(indexedDB.open(name));
    const stores = {};
    for (const storeName of db.objectStoreNames) {
      const store = db.transaction(storeName, 'readonly').objectStore(storeName);
      const [keys, values] = await Promise.all([done(store.getAllKeys()), done(store.getAll())]);
      stores[storeName] = keys.map((key, index) => [text(key), text(values[index])]);
    }
    db.close();
    out.indexedDB[name] = stores;
  }
  return JSON.stringify(out);
})()`;
