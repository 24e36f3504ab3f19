/** The forwarder's small pure parts alone: the token-over-http guard and the split of a refused request. */
import * as assert from 'assert';
import { namesEveryItem, partsToIsolate } from '../../../../src/core/forward/isolation';
import { tokenRefusal } from '../../../../src/core/forward/tokenCheck';

describe('forward parts: token check and isolation', () => {
  it('a bearer token goes over https or to loopback only', () => {
    assert.strictEqual(tokenRefusal('https://x.in.applicationinsights.azure.com/v2.1/track', 'token'), undefined);
    assert.strictEqual(tokenRefusal('http://127.0.0.1:4000/v2.1/track', 'token'), undefined);
    assert.strictEqual(tokenRefusal('http://localhost:4000/v2.1/track', 'token'), undefined);
    assert.strictEqual(tokenRefusal('http://ingest.example.com/v2.1/track', undefined), undefined, 'no token, nothing to guard');
    assert.strictEqual(
      tokenRefusal('http://ingest.example.com:8080/v2.1/track', 'token'),
      'a bearer token is never sent over plain http (ingest.example.com:8080)',
    );
  });

  it('knows when a 400 answer names every item of the request', () => {
    assert.strictEqual(namesEveryItem('{"errors":[{"index":0},{"index":1}]}', 2), true);
    assert.strictEqual(namesEveryItem('{"errors":[{"index":0},{"index":0},{"index":7}]}', 2), false);
    assert.strictEqual(namesEveryItem('not json', 1), false);
    assert.strictEqual(namesEveryItem('{"errors":"no"}', 1), false);
  });

  it('halves a request refused as a whole; splits a per-item refusal between batches only', () => {
    const items = ['a1', 'a2', 'b1', 'b2', 'b3'];
    const batchOf = (item: string): string => item[0];
    assert.deepStrictEqual(partsToIsolate(items, 400, '{"errors":[{"index":0}]}', batchOf), [
      ['a1', 'a2', 'b1'],
      ['b2', 'b3'],
    ]);
    const everyItem = JSON.stringify({ errors: items.map((_, index) => ({ index })) });
    assert.deepStrictEqual(partsToIsolate(items, 413, everyItem, batchOf), [
      ['a1', 'a2'],
      ['b1', 'b2', 'b3'],
    ]);
    assert.strictEqual(
      partsToIsolate(['b1', 'b2'], 400, JSON.stringify({ errors: [{ index: 0 }, { index: 1 }] }), batchOf),
      undefined,
      'one batch named whole: dropped as said',
    );
    assert.strictEqual(partsToIsolate(items, 402, '', batchOf), undefined, 'quota is not about the data');
    assert.strictEqual(partsToIsolate(['a1'], 400, '', batchOf), undefined, 'a single item stands alone already');
  });
});
