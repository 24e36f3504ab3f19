import * as assert from 'assert';
import { LiveDocuments, parseLiveDocuments } from '../../../src/core/live';
import { CAPTURE_KEY, send, startRelay } from '../relay/helpers';

const post = [
  {
    RoleName: 'shop-api',
    Timestamp: '2026-12-06T07:00:00.000Z',
    Metrics: [],
    Documents: [
      {
        DocumentType: 'Request',
        DocumentStreamIds: ['s1'],
        Name: 'GET /orders',
        Url: 'http://localhost/orders',
        ResponseCode: '200',
        Duration: 'PT0.012S',
        Properties: [{ key: 'user', value: '<img src=x onerror=alert(1)>' }],
      },
      { DocumentType: 'RemoteDependency', Name: 'GET', CommandName: 'http://inventory/items', ResultCode: '503', Duration: '15' },
      { DocumentType: 'Exception', ExceptionType: 'TypeError', ExceptionMessage: 'x'.repeat(5000) },
      { DocumentType: 'Event', Name: 'checkout' },
      { DocumentType: 'Trace', Message: 'hello' },
      { DocumentType: 'Unknown', Name: 'ignored' },
      'not an object',
    ],
  },
];

describe('live documents: the sample telemetry of Live Metrics posts', () => {
  it('turns each known document type into a panel document, cut short, untrusted text kept as text', () => {
    const documents = parseLiveDocuments(post);
    assert.deepStrictEqual(
      documents.map((document) => [document.kind, document.title, document.detail, document.code]),
      [
        ['request', 'GET /orders', 'http://localhost/orders', '200'],
        ['dependency', 'GET', 'http://inventory/items', '503'],
        ['exception', 'TypeError', documents[2].detail, undefined],
        ['event', 'checkout', undefined, undefined],
        ['trace', 'hello', undefined, undefined],
      ],
    );
    assert.ok(documents[2].detail!.length <= 1024, 'long fields are cut');
    assert.deepStrictEqual(documents[0].properties, [['user', '<img src=x onerror=alert(1)>']]);
    assert.strictEqual(documents[0].time, Date.parse('2026-12-06T07:00:00.000Z'));
    assert.strictEqual(documents[0].role, 'shop-api');
  });

  it('keeps a bounded number of documents, by count and by bytes', () => {
    const byCount = new LiveDocuments(3);
    for (let index = 0; index < 10; index++) byCount.add([{ time: index, kind: 'trace', title: `t${index}` }]);
    assert.deepStrictEqual(
      byCount.snapshot().map((document) => document.title),
      ['t7', 't8', 't9'],
    );
    const byBytes = new LiveDocuments(1000, 10_000);
    for (let index = 0; index < 20; index++) byBytes.add([{ time: index, kind: 'trace', title: 'y'.repeat(1000) }]);
    assert.ok(byBytes.size < 20 && byBytes.size > 0, String(byBytes.size));
  });

  it('the relay keeps the documents of a post for the panel (local-only)', async () => {
    const t = await startRelay();
    try {
      const reply = await send(t.relay.port, { path: `/QuickPulseService.svc/post?ikey=${CAPTURE_KEY}`, body: JSON.stringify(post) });
      assert.strictEqual(reply.status, 200, reply.text);
      assert.strictEqual(t.relay.liveDocuments.size, 5);
    } finally {
      await t.relay.close();
    }
  });
});
