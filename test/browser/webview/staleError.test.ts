/**
 * Issue 13 item 7 on the forwarding strip: the red error shows only while it is current; after a
 * send succeeded (or the mode changed) it is gone from the strip and stays as a "last error at …"
 * tooltip, in English and in Korean. Screenshots: test-results/strip-error-current.png,
 * strip-error-recovered.png, strip-error-recovered-ko.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../../harness/paths';
import type { ForwardingStatus } from '../../../src/shared/messages';
import { FORWARDING, snapshot } from './fixtures';
import { type PanelPage, usePanelPages } from './panelPage';

const korean = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const ERROR_AT = Date.UTC(2026, 11, 6, 16, 2, 11, 250);
const REFUSED = 'connect ECONNREFUSED 127.0.0.1:443';
const FAILING: ForwardingStatus = {
  ...FORWARDING,
  state: 'retrying',
  lastError: REFUSED,
  lastErrorSeen: { message: REFUSED, at: ERROR_AT },
};
/** What the host sends once the endpoint recovered: all sent, retrying 0, the error only as history. */
const RECOVERED: ForwardingStatus = {
  ...FORWARDING,
  state: 'forwarding',
  retryingItems: 0,
  queuedItems: 0,
  queuedBytes: 0,
  lastError: undefined,
  lastErrorSeen: { message: REFUSED, at: ERROR_AT },
};

/** The time as the strip formats it (local time of the browser, 24 h, with milliseconds). */
async function shownTime(panel: PanelPage): Promise<string> {
  return panel.page.evaluate((at) => {
    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(at);
    return `${time}.${String(at % 1000).padStart(3, '0')}`;
  }, ERROR_AT);
}

describe('Webview panel: a stale forwarding error (issue 13 item 7)', function () {
  this.timeout(60_000);

  describe('English', () => {
    const pages = usePanelPages();
    const strip = () => pages.panel.page.locator('.forwarding-strip');

    it('shows the error while retrying, then only a "last error at …" tooltip after recovery', async () => {
      const panel = pages.panel;
      await panel.send(snapshot([], { forwarding: FAILING }));
      const error = strip().locator('.strip-error');
      assert.strictEqual(await error.isVisible(), true);
      assert.match(await error.innerText(), /ECONNREFUSED/);
      const time = await shownTime(panel);
      assert.strictEqual(await error.getAttribute('title'), `Last error at ${time}: ${REFUSED}`);
      await panel.screenshot('strip-error-current');

      await panel.send({ type: 'forwarding', status: RECOVERED });
      assert.strictEqual(await error.isVisible(), false, 'no stale red error once sends succeed');
      assert.strictEqual(await strip().getAttribute('data-state'), 'forwarding');
      const title = await strip().locator('.strip-state').getAttribute('title');
      assert.ok(title?.endsWith(`\nLast error at ${time}: ${REFUSED}`), title ?? '');
      await panel.screenshot('strip-error-recovered');
    });

    it('a status with no error ever has no last-error tooltip', async () => {
      const panel = pages.panel;
      await panel.send(snapshot([], { forwarding: { ...RECOVERED, lastErrorSeen: undefined } }));
      const title = await strip().locator('.strip-state').getAttribute('title');
      assert.ok(title && !/Last error/.test(title), title ?? '');
    });
  });

  describe('Korean', () => {
    const pages = usePanelPages({ open: { locale: 'ko', width: 1360, height: 800 } });

    it('the tooltip reads Korean', async () => {
      const panel = pages.panel;
      await panel.send(snapshot([], { forwarding: RECOVERED }));
      const time = await shownTime(panel);
      const expected = korean['Last error at {0}: {1}'].replace('{0}', time).replace('{1}', REFUSED);
      assert.match(expected, /^마지막 오류/);
      const title = await panel.page.locator('.forwarding-strip .strip-state').getAttribute('title');
      assert.ok(title?.endsWith(`\n${expected}`), title ?? '');
      await panel.screenshot('strip-error-recovered-ko');
    });
  });
});
