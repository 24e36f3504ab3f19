import * as assert from 'assert';
import {
  contentCodingOf,
  guardRejection,
  isAllowedHost,
  parseRequestTarget,
  parseTelemetryBody,
  validateEnvelopes,
} from '../../../src/core/relay';
import fc from 'fast-check';
import { nestingDepth } from '../../../src/core/relay/jsonDepth';
import { CAPTURE_KEY, envelope } from './helpers';

describe('relay parsing (pure functions)', () => {
  describe('parseRequestTarget', () => {
    const cases: [string, string | undefined, string][] = [
      ['/v2/track', 'track', '/v2/track'],
      ['/v2.1/track', 'track', '/v2.1/track'],
      ['//v2.1/track', 'track', '/v2.1/track'],
      ['///a//b/v2.1/track?x=1#frag', 'track', '/a/b/v2.1/track'],
      ['/v2.1/trackx', undefined, '/v2.1/trackx'],
      ['/v2.1/track/extra', undefined, '/v2.1/track/extra'],
      ['/QuickPulseService.svc/ping?ikey=k', 'live-ping', '/QuickPulseService.svc/ping'],
      ['//QuickPulseService.svc/post', 'live-post', '/QuickPulseService.svc/post'],
      ['', undefined, '/'],
      ['*', undefined, '/*'],
      ['http://evil.example/v2/track', 'track', '/http:/evil.example/v2/track'],
    ];
    for (const [raw, route, path] of cases) {
      it(`${JSON.stringify(raw)} → ${route ?? 'no route'}`, () => {
        const target = parseRequestTarget(raw);
        assert.strictEqual(target.route, route);
        assert.strictEqual(target.path, path);
      });
    }
    it('keeps the query', () => {
      assert.strictEqual(parseRequestTarget('/x/QuickPulseService.svc/post?ikey=abc&api-version=1').query.get('ikey'), 'abc');
    });
  });

  describe('parseTelemetryBody', () => {
    it('measures nesting on the text: brackets in strings and escaped quotes do not count, deep items are listed and never parsed', () => {
      const tricky = { s: '[[[{{{"\\"}', t: '\\', u: [{ v: [1] }] }; // depth 4
      const deep = `${'['.repeat(70)}${']'.repeat(70)}`;
      const body = `[ ${JSON.stringify(tricky)} , ${deep}, "x", {"a":{}} ]`;
      assert.deepStrictEqual(parseTelemetryBody(body, 4), {
        ok: true,
        items: [tricky, undefined, 'x', { a: {} }],
        format: 'array',
        tooDeep: [{ index: 1, depth: 70 }],
      });
      assert.deepStrictEqual(parseTelemetryBody(body, 70), { ok: true, items: JSON.parse(body), format: 'array' });
      assert.deepStrictEqual(parseTelemetryBody(`${JSON.stringify(tricky)}\n{"d":${deep}}\n{}`, 4), {
        ok: true,
        items: [tricky, undefined, {}],
        format: 'ndjson',
        tooDeep: [{ index: 1, depth: 71 }],
      });
      assert.deepStrictEqual(parseTelemetryBody(`{"d":\n${deep}}`, 4), {
        ok: true,
        items: [undefined],
        format: 'object',
        tooDeep: [{ index: 0, depth: 71 }],
      });
      assert.strictEqual(parseTelemetryBody(`[${deep}, 1] x`, 4).ok, false, 'trailing text is still an error');
      assert.strictEqual(parseTelemetryBody(`[${deep}, {"a":}]`, 4).ok, false, 'a malformed neighbour is still an error');
    });

    it('reads an array, NDJSON (with CRLF and blank lines), a single object and a BOM', () => {
      assert.deepStrictEqual(parseTelemetryBody('[{"a":1},{"b":2}]'), { ok: true, items: [{ a: 1 }, { b: 2 }], format: 'array' });
      assert.deepStrictEqual(parseTelemetryBody('{"a":1}\r\n\r\n{"b":2}\r\n'), { ok: true, items: [{ a: 1 }, { b: 2 }], format: 'ndjson' });
      assert.deepStrictEqual(parseTelemetryBody('{\n  "a": 1\n}\n'), { ok: true, items: [{ a: 1 }], format: 'object' });
      assert.deepStrictEqual(parseTelemetryBody(Buffer.from('\ufeff [ ] ')), { ok: true, items: [], format: 'array' });
    });
    it('names what is wrong', () => {
      const failures: [string, RegExp][] = [
        ['', /empty/],
        ['   \n', /empty/],
        ['null', /starts with "n"/],
        ['42', /starts with "4"/],
        ['\u0001', /starts with "\\u0001"/],
        ['[1,', /not valid JSON/],
        ['{"a":1}\n[', /Line 2/],
        ['{"a":1}\n{"b":', /Line 2/],
      ];
      for (const [text, message] of failures) {
        const parsed = parseTelemetryBody(text);
        assert.strictEqual(parsed.ok, false, text);
        if (!parsed.ok) assert.match(parsed.message, message, text);
      }
    });
    it('an array is checked on its parsed items with the same depths as on the text (property)', () => {
      // Nested objects and arrays, empty ones too, around a small limit so both outcomes occur.
      const { tree } = fc.letrec<{ tree: unknown }>((self) => ({
        tree: fc.oneof(
          { depthSize: 'small', withCrossShrink: true },
          fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
          fc.array(self('tree'), { maxLength: 3 }),
          fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), self('tree'), { maxKeys: 3 }),
        ),
      }));
      fc.assert(
        fc.property(fc.array(tree, { maxLength: 5 }), fc.integer({ min: 1, max: 5 }), (items, limit) => {
          const text = JSON.stringify(items);
          const deep = items
            .map((item, index) => ({ index, depth: nestingDepth(JSON.stringify(item)) }))
            .filter(({ depth }) => depth > limit);
          const expected =
            deep.length === 0
              ? { ok: true, items: JSON.parse(text), format: 'array' }
              : {
                  ok: true,
                  items: (JSON.parse(text) as unknown[]).map((item, index) => (deep.some((d) => d.index === index) ? undefined : item)),
                  format: 'array',
                  tooDeep: deep,
                };
          assert.deepStrictEqual(parseTelemetryBody(text, limit), expected);
        }),
        { numRuns: 500 },
      );
    });

    it('survives absurd nesting', () => {
      const parsed = parseTelemetryBody(`${'['.repeat(100000)}${']'.repeat(100000)}`);
      assert.strictEqual(typeof parsed.ok, 'boolean');
    });
  });

  describe('validateEnvelopes', () => {
    it('accepts real-shaped envelopes and returns them as they are', () => {
      const items = [envelope(), envelope({ time: '2026-11-24T17:38:50.171306' })];
      const result = validateEnvelopes(items, { localKey: CAPTURE_KEY });
      assert.deepStrictEqual(result, { ok: true, envelopes: items });
    });
    it('caps the listed errors and says how many more there are', () => {
      const items = Array.from({ length: 150 }, () => ({ ...envelope(), name: '' }));
      const result = validateEnvelopes(items, { localKey: CAPTURE_KEY, maxReportedErrors: 10 });
      assert.strictEqual(result.ok, false);
      if (!result.ok) {
        assert.strictEqual(result.statusCode, 400);
        assert.strictEqual(result.errors.length, 10);
        assert.match(result.errors[9].message, /140 more invalid items not listed/);
      }
    });
  });

  describe('guards and codings', () => {
    it('allows only loopback hosts on the listening port', () => {
      assert.strictEqual(isAllowedHost('127.0.0.1:8080', 8080), true);
      assert.strictEqual(isAllowedHost('[::1]:8080', 8080), true);
      assert.strictEqual(isAllowedHost('localhost:8080', 8080), true);
      assert.strictEqual(isAllowedHost('localhost.:8080', 8080), false);
      assert.strictEqual(isAllowedHost('127.0.0.2:8080', 8080), false);
      assert.strictEqual(isAllowedHost('127.0.0.1', 8080), false);
      assert.strictEqual(isAllowedHost('127.0.0.1', 80), true);
      assert.strictEqual(isAllowedHost(undefined, 8080), false);
      assert.strictEqual(guardRejection({ host: '127.0.0.1:1', origin: 'null' }, 1)?.reason, 'origin');
      assert.strictEqual(guardRejection({ host: '127.0.0.1:1' }, 1), undefined);
    });
    it('knows gzip, deflate, br and identity', () => {
      assert.strictEqual(contentCodingOf(undefined), 'identity');
      assert.strictEqual(contentCodingOf(' GZIP '), 'gzip');
      assert.strictEqual(contentCodingOf('identity, deflate'), 'deflate');
      assert.strictEqual(contentCodingOf('br'), 'br');
      assert.deepStrictEqual(contentCodingOf('zstd'), {
        status: 415,
        reason: 'encoding',
        message: 'Content-Encoding "zstd" is not supported; use gzip, deflate or none.',
      });
    });
  });
});
