/**
 * Property tests (fast-check) of every parser the relay exposes to untrusted input: whatever the
 * bytes, a parser returns a verdict (ok, or a message) and never throws or hangs; over HTTP the
 * relay answers a 2xx or a 4xx with a JSON message, and keeps serving.
 */
import * as assert from 'assert';
import fc from 'fast-check';
import * as zlib from 'zlib';
import { parseConnectionString } from '../../../src/core/connectionString';
import {
  contentCodingOf,
  parseMonitoringDataPoints,
  parseRequestTarget,
  parseTelemetryBody,
  validateEnvelopes,
} from '../../../src/core/relay';
import { normaliseEnvelope } from '../../../src/core/store/normalise';
import { CAPTURE_KEY, envelope, send, startRelay, TestRelay } from '../relay/helpers';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** JSON-ish values that look like envelopes often enough to reach the deep checks. */
const envelopeLike = fc.oneof(
  fc.anything(),
  fc.record(
    {
      name: fc.oneof(fc.string(), fc.constant('Microsoft.ApplicationInsights.Message'), fc.anything()),
      time: fc.oneof(
        fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
        fc.string(),
        fc.anything(),
      ),
      iKey: fc.oneof(fc.constant(CAPTURE_KEY), fc.uuid(), fc.anything()),
      tags: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.anything()),
      data: fc.oneof(
        fc.record({
          baseType: fc.constantFrom(
            'RequestData',
            'RemoteDependencyData',
            'MessageData',
            'ExceptionData',
            'MetricData',
            'EventData',
            'PageViewData',
            'Bogus',
          ),
          baseData: fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.anything()),
        }),
        fc.anything(),
      ),
    },
    { requiredKeys: [] },
  ),
);

describe('fuzz: relay parsers never throw on hostile input', () => {
  it('parseTelemetryBody: any bytes or text gives ok or a message', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
          fc.string({ maxLength: 2048 }),
          fc.json(),
        ),
        (input) => {
          const result = parseTelemetryBody(input);
          if (!result.ok) assert.ok(typeof result.message === 'string' && result.message.length > 0);
          else assert.ok(Array.isArray(result.items));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parseTelemetryBody: NDJSON and arrays of arbitrary JSON values parse to the same items', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.jsonValue().filter((value) => value !== null && typeof value === 'object' && !Array.isArray(value)),
          { minLength: 1, maxLength: 20 },
        ),
        (values) => {
          const asArray = parseTelemetryBody(JSON.stringify(values));
          const asNdjson = parseTelemetryBody(values.map((value) => JSON.stringify(value)).join('\n'));
          assert.ok(asArray.ok && asNdjson.ok);
          assert.deepStrictEqual(asNdjson.items, asArray.items);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('validateEnvelopes + normaliseEnvelope: arbitrary envelope-like items are accepted or refused with indexed messages', () => {
    fc.assert(
      fc.property(fc.array(envelopeLike, { maxLength: 10 }), (items) => {
        const result = validateEnvelopes(items, { localKey: CAPTURE_KEY });
        if (result.ok) {
          result.envelopes.forEach((item, seq) => normaliseEnvelope(item, seq));
        } else {
          assert.ok([400, 403].includes(result.statusCode));
          for (const error of result.errors) {
            assert.ok(Number.isInteger(error.index) && error.index >= 0 && error.index < items.length);
            assert.ok(typeof error.message === 'string' && error.message.length > 0);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('parseConnectionString: any text gives a parsed value or an error that never echoes a key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.uuid().map((key) => `InstrumentationKey=${key.toUpperCase()};IngestionEndpoint=${key}`),
        ),
        (text) => {
          const result = parseConnectionString(text);
          if (!result.ok) {
            assert.ok(result.error.length > 0);
            for (const guid of text.match(/[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}/gi) ?? []) {
              assert.ok(!result.error.includes(guid), `error echoes ${guid}: ${result.error}`);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('parseMonitoringDataPoints, parseRequestTarget, contentCodingOf: total on any input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.string({ maxLength: 200 }), (body, text) => {
        const live = parseMonitoringDataPoints(body);
        assert.ok(live.ok || live.message.length > 0);
        parseRequestTarget(text);
        contentCodingOf(text);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz: the relay over HTTP', function () {
  this.timeout(120_000);
  let relay: TestRelay;

  before(async () => {
    relay = await startRelay();
  });
  after(async () => {
    await relay.relay.close();
  });

  it('answers every random body with 200 or a 4xx carrying a JSON message, and keeps accepting valid batches', async () => {
    const bodies = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({ body: Buffer.from(bytes), gzip: false })),
        fc.array(envelopeLike, { maxLength: 8 }).map((items) => ({ body: Buffer.from(JSON.stringify(items)), gzip: false })),
        fc.array(envelopeLike, { maxLength: 8 }).map((items) => ({ body: zlib.gzipSync(JSON.stringify(items)), gzip: true })),
        fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ body: Buffer.from(bytes), gzip: true })),
      ),
      { numRuns: Math.min(RUNS, 200) },
    );
    let accepted = 0;
    for (const [index, { body, gzip }] of bodies.entries()) {
      const reply = await send(relay.relay.port, {
        body,
        headers: gzip ? { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' } : { 'Content-Type': 'application/json' },
      });
      assert.ok(reply.status === 200 || (reply.status >= 400 && reply.status < 500), `body ${index}: status ${reply.status} ${reply.text}`);
      if (reply.status === 200) {
        accepted += reply.json.itemsAccepted;
      } else {
        assert.ok(
          reply.json && (typeof reply.json.message === 'string' || Array.isArray(reply.json.errors)),
          `body ${index}: no JSON message in ${reply.text}`,
        );
      }
      if (index % 25 === 0) {
        // A good client in between: the relay is still serving, and it keeps what it accepted.
        const good = await send(relay.relay.port, { body: JSON.stringify([envelope({ baseData: { ver: 2, message: `good ${index}` } })]) });
        assert.strictEqual(good.status, 200, good.text);
        accepted += 1;
      }
    }
    assert.strictEqual(relay.sink.items.length, accepted, 'every accepted item reached the sink, nothing else');
  });
});
