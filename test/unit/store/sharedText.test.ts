import * as assert from 'assert';
import { MAX_SHARED_LENGTH, MAX_SHARED_TEXTS, SharedTexts } from '../../../src/core/store/sharedText';
import { normaliseEnvelope } from '../../../src/core/store';
import type { Envelope } from '../../../src/core/envelope';

describe('store: one copy of repeated short texts', () => {
  it('gives back the same text, and remembers only short ones', () => {
    const shared = new SharedTexts();
    assert.strictEqual(shared.share('checkout'), 'checkout');
    assert.strictEqual(shared.share(`check${'out'}`), 'checkout');
    assert.strictEqual(shared.size, 1, 'an equal text is found, not added again');
    const long = 'x'.repeat(MAX_SHARED_LENGTH + 1);
    assert.strictEqual(shared.share(long), long);
    assert.strictEqual(shared.size, 1, 'a long text is not remembered');
  });

  it('stays bounded under a flood of distinct texts (untrusted input)', () => {
    const shared = new SharedTexts();
    for (let index = 0; index < 3 * MAX_SHARED_TEXTS; index++) {
      const text = `role-${index}`;
      assert.strictEqual(shared.share(text), text);
      assert.ok(shared.size <= MAX_SHARED_TEXTS, `${shared.size} texts remembered`);
    }
  });

  it('normalised items read the same whether their texts were shared or not', () => {
    const envelope = (role: string): Envelope => ({
      name: 'Microsoft.ApplicationInsights.RemoteDependency',
      time: '2026-12-07T01:02:03.456Z',
      iKey: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      tags: { 'ai.cloud.role': role, 'ai.internal.sdkVersion': 'py3.12:otel1.25.0:ext1.0.0b25', 'ai.operation.name': 'GET /' },
      data: {
        baseType: 'RemoteDependencyData',
        baseData: {
          ver: 2,
          id: 'a1',
          name: 'GET /x',
          duration: '00:00:00.001',
          success: true,
          resultCode: '200',
          type: 'HTTP',
          target: 'example.test',
        },
      },
    });
    const first = normaliseEnvelope(envelope('shop'), 1, 0);
    const second = normaliseEnvelope(JSON.parse(JSON.stringify(envelope('shop'))) as Envelope, 2, 0);
    assert.ok(first && second);
    assert.deepStrictEqual({ ...second, seq: 1 }, first);
    assert.strictEqual(second.role, 'shop');
    assert.strictEqual(second.type, 'HTTP');
    assert.strictEqual(second.target, 'example.test');
    assert.strictEqual(second.resultCode, '200');
    assert.strictEqual(second.sdkVersion, 'py3.12:otel1.25.0:ext1.0.0b25');
    const other = normaliseEnvelope(envelope('cart'), 3, 0);
    assert.strictEqual(other?.role, 'cart', 'a different role is not mistaken for a shared one');
  });
});
