/**
 * Issue 18 lenses, the Python side and the matching together: the language server's target finder
 * on real Flask / FastAPI / Django / tracer / requests / DB code (tree-sitter), then those targets
 * matched against requests and dependencies named as each framework's instrumentation names them,
 * through the real TelemetryStore.
 */
import * as assert from 'assert';
import type { Envelope } from '../../../src/core/envelope';
import { RunCallStats } from '../../../src/core/source/callStats';
import { TelemetryStore } from '../../../src/core/store';
import { findTelemetryTargets } from '../../../src/server/features/telemetryTargets';
import { CodeTelemetryTarget, MAX_LENS_DOCUMENT_LENGTH } from '../../../src/shared/telemetryLens';
import { lines, testParser } from './pythonSamples';

async function targetsOf(text: string): Promise<CodeTelemetryTarget[]> {
  const tree = (await testParser()).parse(text);
  try {
    return findTelemetryTargets(tree, text);
  } finally {
    tree.delete();
  }
}

let seq = 0;
function request(name: string, ms: number, success = true, url?: string): Envelope {
  seq++;
  return {
    name: 'Microsoft.ApplicationInsights.Request',
    time: new Date(Date.UTC(2026, 11, 6, 12, 0, 0, seq)).toISOString(),
    tags: { 'ai.cloud.role': 'app', 'ai.operation.id': `op${seq}` },
    data: {
      baseType: 'RequestData',
      baseData: {
        id: `r${seq}`,
        name,
        duration: `00:00:00.${String(ms).padStart(3, '0')}`,
        success,
        responseCode: success ? '200' : '500',
        ...(url ? { url } : {}),
      },
    },
  } as unknown as Envelope;
}
function dependency(type: string, name: string, data: string, ms: number, success = true): Envelope {
  seq++;
  return {
    name: 'Microsoft.ApplicationInsights.RemoteDependency',
    time: new Date(Date.UTC(2026, 11, 6, 12, 0, 0, seq)).toISOString(),
    tags: { 'ai.cloud.role': 'app', 'ai.operation.id': `op${seq}` },
    data: {
      baseType: 'RemoteDependencyData',
      baseData: {
        id: `d${seq}`,
        name,
        type,
        data,
        duration: `00:00:00.${String(ms).padStart(3, '0')}`,
        success,
        resultCode: success ? '200' : '500',
      },
    },
  } as unknown as Envelope;
}
function statsOf(...envelopes: Envelope[]): RunCallStats {
  const store = new TelemetryStore();
  const stats = new RunCallStats();
  stats.add(store.add(envelopes));
  return stats;
}

describe('telemetry lenses: targets in Python code, matched to the run (issue 18)', () => {
  it('Flask: route decorators (route with methods, get) at the decorated function; requests named by template or concrete path', async () => {
    const targets = await targetsOf(
      lines(
        'from flask import Flask',
        'app = Flask(__name__)',
        '',
        '@app.route("/orders/<int:id>", methods=["GET", "POST"])',
        'def order(id):',
        '    return "x"',
        '',
        '@app.get("/files/<path:name>")',
        'def files(name): ...',
      ),
    );
    assert.deepStrictEqual(targets, [
      { kind: 'route', line: 3, framework: 'flask', template: '/orders/<int:id>', methods: ['GET', 'POST'], handler: 'order' },
      { kind: 'route', line: 7, framework: 'flask', template: '/files/<path:name>', methods: ['GET'], handler: 'files' },
    ]);
    const stats = statsOf(
      request('GET /orders/<int:id>', 80),
      request('GET /orders/<int:id>', 90, false),
      request('POST /orders/7', 100),
      request('DELETE /orders/7', 5),
      request('GET /orders/7/items', 5),
      request('GET /files/a/b/c.txt', 3),
    );
    const order = stats.statsFor(targets[0]!)!;
    assert.deepStrictEqual({ calls: order.calls, failed: order.failed, p95: order.p95 }, { calls: 3, failed: 1, p95: 100 });
    assert.match(order.query, /^requests\n\| where name in \("GET \/orders\/<int:id>", "POST \/orders\/7"\)/);
    assert.strictEqual(stats.statsFor(targets[1]!)?.calls, 1, 'a path converter spans slashes');
  });

  it('FastAPI: path templates on app/router verbs and api_route', async () => {
    const targets = await targetsOf(
      lines(
        'from fastapi import APIRouter, FastAPI',
        'app = FastAPI()',
        'router = APIRouter()',
        '@app.get("/items/{item_id}")',
        'async def read_item(item_id: int): ...',
        '@router.api_route("/health", methods=["GET", "HEAD"])',
        'def health(): ...',
      ),
    );
    assert.deepStrictEqual(
      targets.map((t) => t.kind === 'route' && [t.line, t.framework, t.template, t.methods.join()]),
      [
        [3, 'fastapi', '/items/{item_id}', 'GET'],
        [5, 'fastapi', '/health', 'GET,HEAD'],
      ],
    );
    const stats = statsOf(
      request('GET /items/{item_id}', 10),
      request('GET /items/42', 20),
      request('PUT /items/42', 1),
      request('GET /health', 1),
    );
    assert.strictEqual(stats.statsFor(targets[0]!)?.calls, 2);
    assert.strictEqual(stats.statsFor(targets[1]!)?.calls, 1);
  });

  it('Django: urlpatterns path / re_path entries, matched by route, URL name (namespaced too) or concrete path', async () => {
    const targets = await targetsOf(
      lines(
        'from django.urls import path, re_path',
        'from . import views',
        'urlpatterns = [',
        '    path("orders/<int:id>/", views.order_detail, name="order-detail"),',
        '    re_path(r"^archive/(?P<year>[0-9]{4})/$", views.archive),',
        ']',
        'other = path("not/a/route/", views.x)',
      ),
    );
    assert.deepStrictEqual(targets, [
      {
        kind: 'route',
        line: 3,
        framework: 'django',
        template: 'orders/<int:id>/',
        methods: [],
        urlName: 'order-detail',
        handler: 'views.order_detail',
      },
      {
        kind: 'route',
        line: 4,
        framework: 'django',
        template: '^archive/(?P<year>[0-9]{4})/$',
        regex: true,
        methods: [],
        handler: 'views.archive',
      },
    ]);
    const stats = statsOf(
      request('GET orders/<int:id>/', 10),
      request('order-detail', 10),
      request('shop:order-detail', 10),
      request('GET /shop/orders/3/', 10),
      request('GET /shop/orders/3/x/', 10),
      request('GET /archive/2024/', 10),
      request('GET /archive/24/', 10),
    );
    assert.strictEqual(stats.statsFor(targets[0]!)?.calls, 4);
    assert.strictEqual(stats.statsFor(targets[1]!)?.calls, 1);
  });

  it('spans: OpenCensus tracer.span(name=…), start_as_current_span in with and as a decorator', async () => {
    const targets = await targetsOf(
      lines(
        'def checkout():',
        '    with tracer.span(name="charge card"):',
        '        pass',
        '    with trace.get_tracer(__name__).start_as_current_span("reserve stock") as span:',
        '        pass',
        '@tracer.start_as_current_span("nightly job")',
        'def job(): ...',
        'with tracer.start_as_current_span(f"dynamic {x}"):',
        '    pass',
      ),
    );
    assert.deepStrictEqual(targets, [
      { kind: 'span', line: 1, name: 'charge card' },
      { kind: 'span', line: 3, name: 'reserve stock' },
      { kind: 'span', line: 5, name: 'nightly job' },
    ]);
    const stats = statsOf(
      dependency('InProc', 'charge card', '', 30),
      dependency('InProc', 'charge card', '', 40, false),
      request('nightly job', 5),
    );
    assert.deepStrictEqual(
      [
        stats.statsFor(targets[0]!)?.calls,
        stats.statsFor(targets[0]!)?.failed,
        stats.statsFor(targets[1]!),
        stats.statsFor(targets[2]!)?.calls,
      ],
      [2, 1, undefined, 1],
    );
  });

  it('requests / httpx calls by method and URL (f-string holes match anything); DB execute by statement', async () => {
    const targets = await targetsOf(
      lines(
        'import requests, httpx',
        'requests.get(f"{BASE}/prices/{sku}", timeout=3)',
        'httpx.post("https://api.example.com/orders")',
        'requests.request("DELETE", url="https://api.example.com/orders/1")',
        'requests.get(url)',
        'cursor.execute("SELECT id, total FROM orders WHERE id = %s", (order_id,))',
        'session.execute(text("UPDATE stock SET n = n - 1"))',
      ),
    );
    assert.deepStrictEqual(targets, [
      { kind: 'http', line: 1, library: 'requests', method: 'GET', url: [null, '/prices/', null] },
      { kind: 'http', line: 2, library: 'httpx', method: 'POST', url: ['https://api.example.com/orders'] },
      { kind: 'http', line: 3, library: 'requests', method: 'DELETE', url: ['https://api.example.com/orders/1'] },
      { kind: 'db', line: 5, library: 'execute', statement: ['SELECT id, total FROM orders WHERE id = %s'] },
      { kind: 'db', line: 6, library: 'execute', statement: ['UPDATE stock SET n = n - 1'] },
    ]);
    const stats = statsOf(
      dependency('HTTP', 'GET /prices/A1', 'http://prices.local/prices/A1?x=1', 50),
      dependency('HTTP', 'POST /prices/A1', 'http://prices.local/prices/A1', 50),
      dependency('HTTP', 'POST', 'https://api.example.com/orders', 20, false),
      dependency('HTTP', 'GET', 'https://api.example.com/orders', 20),
      dependency('sqlite', 'SELECT', 'SELECT id,  total\nFROM orders WHERE id = %s', 2),
      dependency('postgresql', 'UPDATE', 'update stock set n = n - 1;', 2),
    );
    assert.deepStrictEqual(
      targets.map((target) => stats.statsFor(target)?.calls),
      [1, 1, undefined, 1, 1],
    );
    assert.strictEqual(stats.statsFor(targets[1]!)?.failed, 1);
    assert.match(stats.statsFor(targets[0]!)!.query, /^dependencies\n\| where data in \("http:\/\/prices.local\/prices\/A1\?x=1"\)/);
  });

  it('route-like text in comments and strings, and look-alike calls, are not targets', async () => {
    assert.deepStrictEqual(
      await targetsOf(
        lines(
          '# @app.route("/commented")',
          'doc = "requests.get(\'https://example.com\')"',
          'settings.get("key")',
          'os.path.join("a", "b")',
          'path("not/in/urlpatterns/", view)',
          'sock.execute(command)',
          '@app.route (',
          '    "/spaced")',
          'def spaced(): ...',
        ),
      ),
      [{ kind: 'route', line: 6, framework: 'flask', template: '/spaced', methods: [], handler: 'spaced' }],
    );
  });

  it('no lens without data; reset starts a new run; nothing on a file over the size limit', async () => {
    const text = lines('@app.get("/a")', 'def a(): ...');
    const [target] = await targetsOf(text);
    const stats = new RunCallStats();
    assert.strictEqual(stats.statsFor(target!), undefined);
    stats.add(new TelemetryStore().add([request('GET /a', 1)]));
    assert.strictEqual(stats.statsFor(target!)?.calls, 1);
    stats.reset();
    assert.strictEqual(stats.statsFor(target!), undefined);
    assert.deepStrictEqual(await targetsOf(text + '#'.repeat(MAX_LENS_DOCUMENT_LENGTH)), []);
  });

  it('is bounded: groups beyond the limit are counted as dropped; a hostile Django regex gives no lens, not an error', async () => {
    const stats = new RunCallStats(10);
    stats.add(new TelemetryStore().add(Array.from({ length: 50 }, (_, index) => request(`GET /n/${index}`, 1))));
    assert.deepStrictEqual([stats.size, stats.dropped], [10, 40]);
    const [bad] = await targetsOf(lines('urlpatterns = [re_path(r"^(unclosed/$", v)]'));
    assert.strictEqual(stats.statsFor(bad!), undefined);
  });
});
