/**
 * Issue 12 item 6: the send-time key swap touches only each envelope's own `iKey` member and its
 * keyed `name` (the two places shared/protocol.md puts the key); user data stays byte for byte,
 * even when it holds the local key, a connection string or an `iKey` member of its own. Property
 * tested with keys in every position and every JSON spelling (escapes in names and values).
 */
import * as assert from 'assert';
import fc from 'fast-check';
import { isKeyedName, rewriteKeys, swapLiteralKeys } from '../../../src/core/forward/keyRewrite';
import { FakeIngestion } from '../../fakes/fakeIngestion';
import { envelope, LOCAL_KEY, openQueue, REAL_KEY } from './helpers';

const LOCAL_COMPACT = LOCAL_KEY.replace(/-/g, '');
const REAL_COMPACT = REAL_KEY.replace(/-/g, '');

/** A JSON string literal for `text`, each character written plainly or as \uXXXX as `escapes` says. */
function spell(text: string, escapes: readonly boolean[]): string {
  let out = '"';
  [...text].forEach((char, index) => {
    const plain = JSON.stringify(char).slice(1, -1);
    out +=
      escapes[index % Math.max(1, escapes.length)] && char.length === 1 ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : plain;
  });
  return `${out}"`;
}

/** JSON text of a value, every string (member names too) spelled with the escapes given. */
function write(value: unknown, escapes: readonly boolean[], space: string): string {
  if (typeof value === 'string') return spell(value, escapes);
  if (Array.isArray(value)) return `[${space}${value.map((item) => write(item, escapes, space)).join(`,${space}`)}${space}]`;
  if (value && typeof value === 'object') {
    return `{${space}${Object.entries(value)
      .map(([key, item]) => `${spell(key, escapes)}${space}:${space}${write(item, escapes, space)}`)
      .join(`,${space}`)}${space}}`;
  }
  return JSON.stringify(value);
}

const keyish = fc.constantFrom(
  LOCAL_KEY,
  LOCAL_KEY.toUpperCase(),
  LOCAL_COMPACT,
  `InstrumentationKey=${LOCAL_KEY};IngestionEndpoint=http://127.0.0.1:1234/`,
  `Microsoft.ApplicationInsights.${LOCAL_COMPACT}.Message`,
  `"iKey":"${LOCAL_KEY}"`,
  `xx${LOCAL_KEY}yy`,
);
const userText = fc.oneof(
  fc.string(),
  keyish,
  fc.tuple(fc.string(), keyish, fc.string()).map((parts) => parts.join('')),
);
const userData = fc.dictionary(
  fc.oneof(fc.string(), fc.constantFrom('iKey', 'name', LOCAL_KEY)),
  fc.oneof(userText, fc.integer(), fc.constant(null)),
  { maxKeys: 5 },
);
const envelopeArb = fc.record({
  name: fc.oneof(
    fc.constant('Microsoft.ApplicationInsights.Message'),
    fc.constant(`Microsoft.ApplicationInsights.${LOCAL_COMPACT}.Message`),
    userText,
  ),
  time: fc.constant('2026-01-01T00:00:00.000Z'),
  iKey: fc.constant(LOCAL_KEY),
  tags: fc.dictionary(fc.string(), userText, { maxKeys: 3 }),
  data: fc.record({
    baseType: fc.constant('MessageData'),
    baseData: fc.record({ message: userText, properties: userData, nested: fc.record({ iKey: userText, name: userText }) }),
  }),
});

function expectedFor(item: Record<string, unknown>): Record<string, unknown> {
  const name =
    typeof item.name === 'string' && /^Microsoft\.ApplicationInsights\.[0-9a-f]{32}\..+$/i.test(item.name)
      ? item.name.replace(/^(Microsoft\.ApplicationInsights\.)[0-9a-f]{32}/i, `$1${REAL_COMPACT}`)
      : item.name;
  return { ...item, iKey: REAL_KEY, name };
}

/** What the swap must produce: {@link write}'s text with each envelope's iKey (and a keyed name) replaced. */
function writeSwapped(items: Record<string, unknown>[], escapes: readonly boolean[], space: string): string {
  const envelopes = items.map((item) => {
    const expected = expectedFor(item);
    const members = Object.entries(item).map(([key, value]) => {
      let text = write(value, escapes, space);
      if (key === 'iKey') text = JSON.stringify(REAL_KEY);
      else if (key === 'name' && expected.name !== value) text = JSON.stringify(expected.name);
      return `${spell(key, escapes)}${space}:${space}${text}`;
    });
    return `{${space}${members.join(`,${space}`)}${space}}`;
  });
  return `[${space}${envelopes.join(`,${space}`)}${space}]`;
}

describe('forward: the send-time key swap', () => {
  it("swaps only each envelope's iKey and keyed name; user data is kept byte for byte (property)", () => {
    fc.assert(
      fc.property(
        fc.array(envelopeArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { maxLength: 7 }),
        fc.constantFrom('', ' ', '\n  '),
        (items, escapes, space) => {
          const text = write(items, escapes, space);
          const original = JSON.parse(text) as Record<string, unknown>[];
          const { body, replaced } = rewriteKeys(Buffer.from(text, 'utf8'), LOCAL_KEY, REAL_KEY);
          assert.strictEqual(replaced, items.length, 'every iKey found, whatever its spelling');
          const sent = JSON.parse(body.toString('utf8')) as Record<string, unknown>[];
          assert.deepStrictEqual(sent, original.map(expectedFor));
          // Byte for byte: the text is the original with only the iKey and keyed-name values respelled.
          assert.strictEqual(body.toString('utf8'), writeSwapped(items, escapes, space));
          const realCount = body.toString('utf8').split(REAL_KEY).length - 1;
          assert.strictEqual(realCount, items.length, 'the real key appears once per envelope, in its iKey, nowhere else');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the swap by counting gives the same bytes as the walk, or declines (property)', () => {
    // Envelopes without keyed names (what the intake marks as literal), nested iKey members optional.
    const literalEnvelope = fc.record(
      {
        name: fc.oneof(fc.constant('Microsoft.ApplicationInsights.Message'), userText),
        time: fc.constant('2026-01-01T00:00:00.000Z'),
        iKey: fc.constant(LOCAL_KEY),
        tags: fc.dictionary(fc.string(), userText, { maxKeys: 3 }),
        data: fc.record(
          {
            baseType: fc.constant('MessageData'),
            baseData: fc.record(
              { message: userText, properties: userData, nested: fc.record({ iKey: userText, name: userText }) },
              { requiredKeys: ['message'] },
            ),
          },
          { requiredKeys: ['baseType', 'baseData'] },
        ),
      },
      { requiredKeys: ['name', 'iKey', 'data'] },
    );
    let counted = 0;
    fc.assert(
      fc.property(
        fc.array(literalEnvelope, { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { maxLength: 7 }),
        fc.constantFrom('', ' ', '\n  '),
        (items, escapes, space) => {
          fc.pre(!items.some((item) => isKeyedName(item.name)));
          const text = write(items, escapes, space);
          const walked = rewriteKeys(Buffer.from(text, 'utf8'), LOCAL_KEY, REAL_KEY);
          const literal = rewriteKeys(Buffer.from(text, 'utf8'), LOCAL_KEY, REAL_KEY, { items: items.length });
          assert.strictEqual(literal.replaced, walked.replaced);
          assert.strictEqual(literal.body.toString('utf8'), walked.body.toString('utf8'));
          if (swapLiteralKeys(Buffer.from(text, 'utf8'), LOCAL_KEY, REAL_KEY, items.length) !== undefined) counted++;
        },
      ),
      { numRuns: 600 },
    );
    assert.ok(counted > 0, 'some bodies were swapped by counting');
  });

  it('the swap by counting declines what it cannot prove: a nested iKey, an escaped member, another key, a wrong item count', () => {
    const item = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ ...envelope('m'), ...extra });
    const swap = (text: string, items: number): number | undefined => swapLiteralKeys(Buffer.from(text), LOCAL_KEY, REAL_KEY, items);
    const plain = JSON.stringify([item(), item()]);
    assert.strictEqual(swap(plain, 2), 2);
    assert.strictEqual(swap(plain, 3), undefined, 'fewer iKeys than items');
    assert.strictEqual(swap(plain, 1), undefined, 'more iKeys than items');
    const nested = JSON.stringify([
      item({ data: { baseType: 'MessageData', baseData: { message: 'm', properties: { iKey: LOCAL_KEY } } } }),
    ]);
    assert.strictEqual(swap(nested, 1), undefined, 'an iKey in user data');
    assert.strictEqual(swap(plain.replace('"iKey"', '"\\u0069Key"'), 2), undefined, 'an escaped member name');
    const otherKey = LOCAL_KEY.replace(/^./, (first) => (first === '9' ? '8' : '9'));
    assert.strictEqual(swap(plain.replace(LOCAL_KEY, otherKey), 2), undefined, 'another key in one iKey');
    const spaced = JSON.stringify([item()], null, 2);
    const buffer = Buffer.from(spaced);
    assert.strictEqual(swapLiteralKeys(buffer, LOCAL_KEY, REAL_KEY, 1), 1, 'spaces around the colon');
    assert.strictEqual((JSON.parse(buffer.toString()) as { iKey: string }[])[0].iKey, REAL_KEY);
  });

  it('leaves the bytes of a message holding the local connection string as they were', () => {
    const text = JSON.stringify([
      {
        ...envelope(`my connection string is InstrumentationKey=${LOCAL_KEY};IngestionEndpoint=http://127.0.0.1:1/`),
        data: { baseType: 'MessageData', baseData: { message: LOCAL_KEY, properties: { key: LOCAL_COMPACT, iKey: LOCAL_KEY } } },
      },
    ]);
    const { body } = rewriteKeys(Buffer.from(text), LOCAL_KEY, REAL_KEY);
    assert.strictEqual(body.toString(), text.replace(`"iKey":"${LOCAL_KEY}","tags"`, `"iKey":"${REAL_KEY}","tags"`));
  });

  it('an escaped iKey member with the key elsewhere arrives intact', () => {
    const text = `[{"name":"Microsoft.ApplicationInsights.Message","time":"2026-01-01T00:00:00Z","\\u0069Key":"\\u0031${LOCAL_KEY.slice(1)}","data":{"baseType":"MessageData","baseData":{"message":"${LOCAL_KEY}"}}}]`;
    const { body, replaced } = rewriteKeys(Buffer.from(text), LOCAL_KEY, REAL_KEY);
    assert.strictEqual(replaced, 1);
    const [sent] = JSON.parse(body.toString()) as { iKey: string; data: { baseData: { message: string } } }[];
    assert.strictEqual(sent.iKey, REAL_KEY);
    assert.strictEqual(sent.data.baseData.message, LOCAL_KEY);
  });

  it('end to end: an app that logs its local connection string sends no real key in its messages', async () => {
    const fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    const t = await openQueue(fake);
    try {
      t.queue.pause();
      const logged = `connected with InstrumentationKey=${LOCAL_KEY};IngestionEndpoint=http://127.0.0.1:1/`;
      const items = [{ ...envelope(logged), tags: { 'ai.cloud.role': LOCAL_KEY } }, envelope(LOCAL_COMPACT, true)];
      await t.queue.accept(items, { text: Buffer.from(JSON.stringify(items)) });
      const escaped = [envelope(`escaped ${LOCAL_KEY}`)];
      await t.queue.accept(escaped, { text: Buffer.from(JSON.stringify(escaped).replace('"iKey"', '"\\u0069Key"')) });
      t.queue.resume();
      const received = await fake.waitForItems(3);
      assert.deepStrictEqual(
        received.map((item) => item.data?.baseData?.message),
        [logged, LOCAL_COMPACT, `escaped ${LOCAL_KEY}`],
      );
      assert.strictEqual(received[0].tags?.['ai.cloud.role'], LOCAL_KEY);
      assert.ok(received.every((item) => item.iKey === REAL_KEY));
      assert.strictEqual(received[1].name, `Microsoft.ApplicationInsights.${REAL_COMPACT}.Message`);
    } finally {
      await t.queue.close();
      await fake.close();
    }
  });
});
