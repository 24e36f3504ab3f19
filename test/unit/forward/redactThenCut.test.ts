/**
 * Issue 12 item 7: text that may hold a key is redacted first and cut afterwards, and a GUID-like
 * run left at the cut (a key prefix) is masked too. Checked at every cut position across a key.
 */
import * as assert from 'assert';
import { judgeAnswer } from '../../../src/core/forward';
import { ForwardLogRedactor } from '../../../src/core/forward/logRedaction';
import { shortenRedacted } from '../../../src/core/redact';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelopes, openQueue, REAL_KEY, waitForStats } from './helpers';

/** Any 8 consecutive characters of the key (with or without dashes) found in the text. */
function keyFragment(text: string, key: string): string | undefined {
  const lower = text.toLowerCase();
  for (const form of [key.toLowerCase(), key.replace(/-/g, '').toLowerCase()]) {
    for (let start = 0; start + 8 <= form.length; start++) {
      const window = form.slice(start, start + 8);
      if (lower.includes(window)) return window;
    }
  }
  return undefined;
}

describe('redaction before truncation', () => {
  it('shortenRedacted masks a GUID-like run cut at the end, at every cut position', () => {
    for (let length = 0; length <= 60; length++) {
      const text = `key ${REAL_KEY} end of line`;
      const cut = shortenRedacted(text, 4 + length);
      assert.ok(cut.length <= 4 + length + 1, `at ${length}: ${cut}`);
      if (length < 36) assert.strictEqual(keyFragment(cut, REAL_KEY), undefined, `at ${length}: ${cut}`);
    }
    assert.strictEqual(shortenRedacted('short text', 200), 'short text', 'nothing to cut');
    assert.strictEqual(shortenRedacted('status 404 for 12345678', 200), 'status 404 for 12345678', 'a run not at the cut stays');
  });

  it('the forward redactor masks a partial real key too (34 of 36 characters)', () => {
    const redactor = new ForwardLogRedactor();
    redactor.addKey(REAL_KEY);
    for (const partial of [REAL_KEY.slice(0, 34), REAL_KEY.slice(3), REAL_KEY.replace(/-/g, '').slice(0, 20)]) {
      const redacted = redactor.redact(`the service said: ${partial} is bad`);
      assert.strictEqual(keyFragment(redacted, REAL_KEY), undefined, redacted);
    }
  });

  it('judgeAnswer redacts an error message before cutting it to 200 characters', () => {
    const redactor = new ForwardLogRedactor();
    redactor.addKey(REAL_KEY);
    for (let pad = 150; pad <= 200; pad++) {
      const message = `${'x'.repeat(pad)}${REAL_KEY}`;
      const body = JSON.stringify({ itemsReceived: 1, itemsAccepted: 0, errors: [{ index: 0, statusCode: 400, message }] });
      for (const status of [400, 503]) {
        const verdict = judgeAnswer(
          { kind: 'response', status, headers: {}, body },
          { batchSize: 1, usingToken: false, nowMs: 0, maxRetryAfterMs: 1000, redact: (text) => redactor.redact(text) },
        );
        const reason = 'reason' in verdict ? verdict.reason : '';
        assert.strictEqual(keyFragment(reason, REAL_KEY), undefined, `pad ${pad}: ${reason}`);
      }
    }
  });

  it('a service that echoes the key in a long 400 message leaks no part of it to lastError or the log', async () => {
    const fake = await FakeIngestion.start();
    const t = await openQueue(fake);
    try {
      fake.enqueue({ kind: 'status', status: 400, message: `${'x'.repeat(166)}${REAL_KEY}` });
      fake.enqueue({ kind: 'status', status: 503, message: `${'y'.repeat(170)}${REAL_KEY}` });
      await t.queue.accept(envelopes(1, 'a'));
      const dropped = await waitForStats(t.queue, (stats) => stats.droppedItems === 1);
      await t.queue.accept(envelopes(1, 'b'));
      const retrying = await waitForStats(t.queue, (stats) => stats.consecutiveFailures > 0);
      await fake.waitForItems(1);
      assert.match(dropped.lastError ?? '', /xxxx/);
      assert.match(retrying.lastError ?? '', /yyyy/);
      const texts = [dropped.lastError ?? '', retrying.lastError ?? '', ...t.logs.map((line) => line.message)];
      assert.ok(
        texts.some((line) => /xxxx/.test(line)),
        'the message is logged',
      );
      assert.ok(
        texts.some((line) => /yyyy/.test(line)),
        'the retry is logged',
      );
      for (const text of texts) assert.strictEqual(keyFragment(text, REAL_KEY), undefined, text);
    } finally {
      await t.queue.close();
      await fake.close();
    }
  });
});
