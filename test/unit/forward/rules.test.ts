import * as assert from 'assert';
import { parseConnectionStringOrThrow } from '../../../src/core/connectionString';
import * as fc from 'fast-check';
import {
  backoffDelay,
  decideRedirect,
  diskLine,
  isRetryableItem,
  isRetryableStatus,
  judgeAnswer,
  lineForService,
  parseRetryAfter,
  rewriteName,
  withKey,
} from '../../../src/core/forward';
import { envelope, LOCAL_KEY, REAL_KEY } from './helpers';

const judge = (status: number, body = '', headers: Record<string, string> = {}, usingToken = false) =>
  judgeAnswer({ kind: 'response', status, headers, body }, { batchSize: 3, usingToken, nowMs: 1_000_000, maxRetryAfterMs: 60_000 });

describe('forward: rules (pure)', () => {
  it('classifies statuses the way the issue and the SDKs do', () => {
    for (const status of [408, 429, 439, 500, 502, 503, 504]) assert.strictEqual(isRetryableStatus(status, false), true, String(status));
    for (const status of [400, 402, 404, 401, 403, 413]) assert.strictEqual(isRetryableStatus(status, false), false, String(status));
    assert.strictEqual(isRetryableStatus(401, true), true);
    assert.strictEqual(isRetryableStatus(403, true), true);
    assert.strictEqual(isRetryableItem(500, 'Telemetry sampled out.', false), false);
    assert.strictEqual(isRetryableItem(500, 'Internal', false), true);
    assert.deepStrictEqual(judge(200), { kind: 'sent' });
    assert.strictEqual(judge(503).kind, 'retry');
    assert.strictEqual(judge(501).kind, 'retry');
    assert.strictEqual(judge(400).kind, 'drop');
    assert.strictEqual(judge(401).kind, 'drop');
    assert.strictEqual(judge(401, '', {}, true).kind, 'retry');
    assert.deepStrictEqual(judge(307, '', { location: 'https://x/' }), { kind: 'redirect', status: 307, location: 'https://x/' });
    assert.deepStrictEqual(
      judgeAnswer({ kind: 'network', message: 'ECONNRESET' }, { batchSize: 1, usingToken: false, nowMs: 0, maxRetryAfterMs: 1 }),
      { kind: 'retry', reason: 'network error: ECONNRESET' },
    );
  });

  it('reads a 206 body per item, ignoring bad indexes; an unreadable 206 is resent whole', () => {
    const body = JSON.stringify({
      itemsReceived: 3,
      itemsAccepted: 1,
      errors: [
        { index: 0, statusCode: 503, message: 'x' },
        { index: 2, statusCode: 400, message: 'bad' },
        { index: 9, statusCode: 500, message: 'out of range' },
      ],
    });
    assert.deepStrictEqual(judge(206, body), {
      kind: 'partial',
      retry: [0],
      dropped: [2],
      reason: 'item 2: 400 bad',
      droppedAnswers: [{ status: 400, message: 'bad' }],
    });
    assert.strictEqual(judge(206, 'not json').kind, 'retry');
  });

  it('parses Retry-After as seconds or an HTTP date, capped, ignoring garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.strictEqual(parseRetryAfter('7', now, 60_000), 7000);
    assert.strictEqual(parseRetryAfter(['2'], now, 60_000), 2000);
    assert.strictEqual(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now, 60_000), 30_000);
    assert.strictEqual(parseRetryAfter('Thu, 01 Jan 2026 01:00:00 GMT', now, 60_000), 60_000);
    assert.strictEqual(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now, 60_000), 0);
    assert.strictEqual(parseRetryAfter('soon', now, 60_000), undefined);
    assert.strictEqual(parseRetryAfter(undefined, now, 60_000), undefined);
    assert.strictEqual(
      judge(429, '', { 'retry-after': '3' }).kind === 'retry' &&
        (judge(429, '', { 'retry-after': '3' }) as { retryAfterMs?: number }).retryAfterMs,
      3000,
    );
  });

  it('backs off exponentially with jitter inside [ceiling/2, ceiling]', () => {
    const options = { baseMs: 100, maxMs: 1000 };
    assert.strictEqual(
      backoffDelay(1, options, () => 0),
      50,
    );
    assert.strictEqual(
      backoffDelay(1, options, () => 1),
      100,
    );
    assert.strictEqual(
      backoffDelay(3, options, () => 1),
      400,
    );
    assert.strictEqual(
      backoffDelay(10, options, () => 1),
      1000,
    );
    assert.strictEqual(
      backoffDelay(10, options, () => 0),
      500,
    );
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(2, options)));
    assert.ok(samples.size > 1, 'jitter varies the delay');
  });

  it('allows redirects to Azure Monitor domains (https), sovereign suffixes and loopback only', () => {
    const cs = parseConnectionStringOrThrow(`InstrumentationKey=${REAL_KEY};EndpointSuffix=applicationinsights.example.gov;Location=east`);
    const from = 'https://dc.services.visualstudio.com/v2.1/track';
    assert.deepStrictEqual(decideRedirect('https://westeurope-5.in.applicationinsights.azure.com/v2.1/track', from, undefined), {
      ok: true,
      endpoint: 'https://westeurope-5.in.applicationinsights.azure.com/',
    });
    assert.strictEqual(decideRedirect('https://x.in.applicationinsights.azure.cn/', from, undefined).ok, true);
    assert.strictEqual(decideRedirect('https://east.in.applicationinsights.example.gov/', from, cs).ok, true);
    assert.strictEqual(decideRedirect('https://east.in.applicationinsights.example.gov/', from, undefined).ok, false);
    assert.strictEqual(
      decideRedirect('http://westeurope-5.in.applicationinsights.azure.com/', from, undefined).ok,
      false,
      'no downgrade to http',
    );
    assert.strictEqual(decideRedirect('https://applicationinsights.azure.com.evil.net/', from, undefined).ok, false);
    assert.strictEqual(decideRedirect('https://evilapplicationinsights.azure.com/', from, undefined).ok, false);
    assert.deepStrictEqual(decideRedirect('/elsewhere', 'http://127.0.0.1:9/v2.1/track', undefined), {
      ok: true,
      endpoint: 'http://127.0.0.1:9/',
    });
    assert.strictEqual(decideRedirect(undefined, from, undefined).ok, false);
  });

  it("rewrites iKey and the keyed name form without touching the caller's object", () => {
    const original = envelope('x', true);
    const rewritten = withKey(original, REAL_KEY);
    assert.strictEqual(rewritten.iKey, REAL_KEY);
    assert.strictEqual(rewritten.name, `Microsoft.ApplicationInsights.${REAL_KEY.replace(/-/g, '')}.Message`);
    assert.strictEqual(original.iKey, LOCAL_KEY);
    assert.strictEqual(withKey(envelope('y'), LOCAL_KEY).iKey, LOCAL_KEY);
    const same = envelope('z');
    assert.strictEqual(withKey(same, LOCAL_KEY), same, 'no copy when nothing changes');
    assert.strictEqual(
      rewriteName('Microsoft.ApplicationInsights.ABCDEF0123456789ABCDEF0123456789.Request', REAL_KEY),
      `Microsoft.ApplicationInsights.${REAL_KEY.replace(/-/g, '')}.Request`,
    );
    assert.strictEqual(rewriteName('Microsoft.ApplicationInsights.Request', REAL_KEY), 'Microsoft.ApplicationInsights.Request');
  });

  it('sends exactly the queued envelope with the real key, whatever the envelope holds (property)', () => {
    const key = fc.uuid().map((uuid) => uuid.toLowerCase());
    const name = fc.oneof(
      fc.constant('Microsoft.ApplicationInsights.Message'),
      key.map((k) => `Microsoft.ApplicationInsights.${k.replace(/-/g, '')}.Request`),
      fc.string(),
    );
    const envelopeArb = fc.record({
      name,
      time: fc.constant('2026-01-01T00:00:00.000Z'),
      iKey: key,
      tags: fc.dictionary(fc.string(), fc.string()),
      data: fc.record({ baseType: fc.constant('EventData'), baseData: fc.dictionary(fc.string(), fc.jsonValue()) }),
    });
    fc.assert(
      fc.property(envelopeArb, key, key, (original, localKey, realKey) => {
        const onDisk = diskLine(original, localKey);
        assert.ok(!onDisk.includes(realKey) || JSON.stringify(original).includes(realKey), 'the disk line adds no real key');
        const sent = JSON.parse(lineForService(onDisk, realKey));
        assert.deepStrictEqual(sent, JSON.parse(JSON.stringify(withKey(original, realKey))));
      }),
      { numRuns: 300 },
    );
  });

  it('takes lines in another layout (or a damaged one) the slow way', () => {
    const line = JSON.stringify(envelope('x', true));
    assert.strictEqual(JSON.parse(lineForService(line, REAL_KEY)).iKey, REAL_KEY);
    assert.throws(() => lineForService(line.slice(0, 30), REAL_KEY));
  });
});
