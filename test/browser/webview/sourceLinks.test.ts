/**
 * Issue 18: stack frames and log locations in the details pane are links that post `openSource`
 * (the host checks the path); library frames are dimmed; hostile paths are text. The items go
 * through the real host path (captures → normaliseEnvelope → toPanelItems), as the relay feeds them.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { toPanelItems } from '../../../src/core/panel';
import { normaliseEnvelope } from '../../../src/core/store/normalise';
import type { PanelItem } from '../../../src/shared/messages';
import { REPO_ROOT } from '../../harness/paths';
import { snapshot } from './fixtures';
import { PanelPage, usePanelPages } from './panelPage';

/** The page's computed opacity of an element (the test code is compiled without the DOM types). */
const opacity = (element: unknown): string =>
  (globalThis as unknown as { getComputedStyle(element: unknown): { opacity: string } }).getComputedStyle(element).opacity;

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/app/orders/views.py", line 42, in create_order',
  '    total = price_of(order)',
  '  File "/srv/app/.venv/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request',
  '    rv = self.dispatch_request()',
  '  File "orders/pricing.py", line 7, in price_of',
  '    raise ValueError("no price")',
  'ValueError: no price',
].join('\n');

const HOSTILE = [
  'Traceback (most recent call last):',
  '  File "\\\\evil-host\\share\\payload.py", line 1, in <module>',
  '  File "file://evil-host/share/payload.py", line 2, in <module>',
  '  File "<img src=x onerror=alert(1)>.py", line 3, in <b>bold</b>',
  '  File "../../etc/passwd", line 4, in f',
  'X: y',
].join('\n');

function exceptionEnvelope(time: string, typeName: string, message: string, stack: string, operationId: string): Envelope {
  return {
    name: 'Microsoft.ApplicationInsights.Exception',
    time,
    tags: { 'ai.cloud.role': 'orders', 'ai.operation.id': operationId },
    data: { baseType: 'ExceptionData', baseData: { ver: 2, exceptions: [{ typeName, message, hasFullStack: true, stack }] } },
  } as Envelope;
}

function items(): PanelItem[] {
  const now = Date.now();
  const capture = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'captures', 'py-opencensus-logs.req1.body.json'), 'utf8'),
  ) as Envelope[];
  const deep = [
    'Traceback (most recent call last):',
    ...Array.from({ length: 10_000 }, (_, index) => `  File "/srv/app/deep.py", line ${index + 1}, in f`),
    'RecursionError: deep',
  ].join('\n');
  const envelopes = [
    ...capture,
    exceptionEnvelope('', 'ValueError', 'no price', TRACEBACK, '4bf92f3577b34da6a3ce929d0e0e4736'),
    exceptionEnvelope('', 'HostileError', 'hostile paths', HOSTILE, '0af7651916cd43dd8448eb211c80319c'),
    exceptionEnvelope('', 'RecursionError', 'deep', deep, '1af7651916cd43dd8448eb211c80319c'),
  ];
  const normalised = envelopes.map(
    (envelope, index) => normaliseEnvelope({ ...envelope, time: new Date(now - 30_000 + index * 100).toISOString() }, index + 1, now)!,
  );
  return toPanelItems(normalised);
}

describe('Webview panel: source links (issue 18)', function () {
  this.timeout(60_000);
  const pages = usePanelPages({ open: { width: 1200, height: 760 } });
  let panel: PanelPage;
  const logRows = () => panel.view('logs').locator('.logs-list .vlist-row');
  const details = () => panel.view('logs').locator('.details-pane');

  beforeEach(async () => {
    panel = pages.panel;
    await panel.send(snapshot(items()));
    await panel.showView('logs');
  });

  it('each frame of a Python traceback is a link posting openSource with its file and line; library frames are dimmed', async () => {
    await logRows().filter({ hasText: 'no price' }).first().click();
    const frames = details().locator('ol.frames > li');
    await frames.first().waitFor();
    assert.deepStrictEqual(
      (await frames.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim()),
      [
        '/srv/app/orders/views.py:42 in create_order',
        '/srv/app/.venv/lib/python3.12/site-packages/flask/app.py:880 in full_dispatch_request',
        'orders/pricing.py:7 in price_of',
      ],
    );
    assert.strictEqual(await details().locator('button.frame-link').count(), 3);
    const library = details().locator('button.frame-link.frame-library');
    assert.strictEqual(await library.count(), 1);
    assert.strictEqual(await library.evaluate(opacity), '0.6');
    assert.strictEqual(await details().locator('button.frame-link:not(.frame-library)').first().evaluate(opacity), '1');
    // The readable stack text is still there.
    assert.match(await details().locator('pre.stack').innerText(), /ValueError: no price/);

    await details().locator('button.frame-link', { hasText: 'orders/pricing.py' }).click();
    await details().locator('button.frame-link', { hasText: 'flask/app.py' }).click();
    assert.deepStrictEqual(await panel.postedOfType('openSource'), [
      { type: 'openSource', file: 'orders/pricing.py', line: 7 },
      { type: 'openSource', file: '/srv/app/.venv/lib/python3.12/site-packages/flask/app.py', line: 880 },
    ]);
    await panel.screenshot('source-links-traceback');
  });

  it("OpenCensus (real capture): the exception's parsed frame and each record's fileName/lineNumber are links", async () => {
    await logRows().filter({ hasText: 'caught it' }).first().click();
    const frame = details().locator('ol.frames button.frame-link');
    await frame.waitFor();
    assert.match(await frame.innerText(), /oc_logs\.py:40 in <module>$/);
    await frame.click();
    const source = details().locator('.source-location button.frame-link');
    assert.match(await source.innerText(), /oc_logs\.py:42$/, 'the logging call that recorded the exception');

    await logRows().filter({ hasText: 'charlie' }).first().click();
    const logSource = details().locator('.source-location button.frame-link');
    await logSource.waitFor();
    assert.match(await logSource.innerText(), /oc_logs\.py:35$/);
    await logSource.click();
    const posted = await panel.postedOfType('openSource');
    assert.strictEqual(posted.length, 2);
    assert.match(posted[0]!.file, /oc_logs\.py$/);
    assert.strictEqual(posted[0]!.line, 40);
    assert.strictEqual(posted[1]!.line, 35);
    await panel.screenshot('source-links-opencensus-log');
  });

  it('hostile paths: UNC and file://host are text, markup is literal, ../../ is a link the host must confirm', async () => {
    await logRows().filter({ hasText: 'HostileError' }).first().click();
    const frames = details().locator('ol.frames > li');
    await frames.first().waitFor();
    assert.strictEqual(await frames.count(), 4);
    const texts = details().locator('ol.frames .frame-text');
    // `<…>` is a pseudo-file (`<stdin>`, `<frozen os>`) to Python: text as well.
    assert.deepStrictEqual(await texts.allInnerTexts(), [
      '\\\\evil-host\\share\\payload.py:1 in <module>',
      'file://evil-host/share/payload.py:2 in <module>',
      '<img src=x onerror=alert(1)>.py:3 in <b>bold</b>',
    ]);
    assert.strictEqual(await details().locator('ol.frames img, ol.frames b').count(), 0, 'markup in a path is never parsed');
    await texts.first().click();
    await details().locator('button.frame-link', { hasText: 'etc/passwd' }).click();
    assert.deepStrictEqual(await panel.postedOfType('openSource'), [{ type: 'openSource', file: '../../etc/passwd', line: 4 }]);
    await panel.screenshot('source-links-hostile');
  });

  it('a 10,000-frame stack renders at most 200 frame links', async () => {
    await logRows().filter({ hasText: 'RecursionError' }).first().click();
    const links = details().locator('ol.frames button.frame-link');
    await links.first().waitFor();
    assert.strictEqual(await links.count(), 200);
  });
});
