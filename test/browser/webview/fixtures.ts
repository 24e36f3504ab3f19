/**
 * Realistic panel data, shaped like what the store makes of real SDK envelopes (see
 * test/fixtures/captures): a Flask app instrumented with the OpenTelemetry distro calling
 * PostgreSQL, an exchange-rate API and an inventory service instrumented with OpenCensus; logs of
 * every severity correlated by operation id (OpenCensus with its legacy `|trace.span.` parent id);
 * a psycopg2 exception with a Python stack; OpenCensus views and OpenTelemetry instruments as
 * customMetrics; Live Metrics samples; and a forwarding status.
 */
import type { ForwardingStatus, HostToWebview, LiveSample, PanelItem } from '../../../src/shared/messages';

export const OTEL_SDK = 'ulm_py3.12.3:otel1.27.0:ext1.0.0b28';
export const OC_SDK = 'py3.11.2:oc0.11.4:ext1.1.13';
export const ORDERS_ROLE = 'flask-orders';
export const INVENTORY_ROLE = 'inventory-worker';

export const OK_OPERATION = '4bf92f3577b34da6a3ce929d0e0e4736';
export const FAILED_OPERATION = '0af7651916cd43dd8448eb211c80319c';
export const GET_ORDER_REQUEST = '00f067aa0ba902b7';
export const SQL_DEPENDENCY = 'b7ad6b7169203331';
export const RATES_DEPENDENCY = 'c5d2e1f0a9b8c7d6';
export const INVENTORY_CALL = 'e1f2a3b4c5d6e7f8';
export const INVENTORY_REQUEST = 'a1a2a3a4a5a6a7a8';

export const PYTHON_STACK = `Traceback (most recent call last):
  File "/srv/orders/app.py", line 58, in create_order
    cursor.execute(INSERT_ORDER, (order.id, order.customer_id, order.total))
  File "/srv/orders/.venv/lib/python3.12/site-packages/opentelemetry/instrumentation/dbapi/__init__.py", line 597, in execute
    return query_method(*args, **kwargs)
psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint "orders_pkey"
DETAIL:  Key (id)=(1042) already exists.
`;

export const FORWARDING: ForwardingStatus = {
  state: 'forwarding',
  acceptedItems: 1284,
  sentItems: 1240,
  retryingItems: 12,
  queuedItems: 32,
  queuedBytes: 48_213,
  droppedItems: 0,
  lastError: '429 Too Many Requests from ingestion; retrying after 10 s',
  endpoint: 'https://westeurope-5.in.applicationinsights.azure.com/',
};

export const RELAY_URL = 'http://127.0.0.1:47031/';

/** Builds items with increasing seqs; times relative to `base` (epoch ms). */
export class ItemFactory {
  private seq: number;
  constructor(
    readonly base: number,
    firstSeq = 1,
  ) {
    this.seq = firstSeq;
  }

  item(fields: Omit<PanelItem, 'seq' | 'time'> & { at: number }): PanelItem {
    const { at, ...rest } = fields;
    return { seq: this.seq++, time: this.base + at, ...rest };
  }

  get nextSeq(): number {
    return this.seq;
  }
}

/** The realistic scenario: about 25 items across two roles, two SDKs and all tables. */
export function realisticItems(base = Date.now() - 20_000): PanelItem[] {
  const f = new ItemFactory(base);
  const orders = { role: ORDERS_ROLE, roleInstance: 'orders-7d9f6c-x2k4q', sdkVersion: OTEL_SDK };
  const inventory = { role: INVENTORY_ROLE, roleInstance: 'inventory-1', sdkVersion: OC_SDK };
  const okOp = { operationId: OK_OPERATION };
  const failedOp = { operationId: FAILED_OPERATION };
  return [
    // Children end (and are exported) before their parents, as in the captures.
    f.item({
      at: 12,
      table: 'dependencies',
      ...orders,
      ...okOp,
      parentId: GET_ORDER_REQUEST,
      id: SQL_DEPENDENCY,
      name: 'SELECT orders',
      type: 'postgresql',
      target: 'orders-db.internal|orders',
      duration: 48.2,
      success: true,
      resultCode: '0',
      properties: { 'db.statement': 'SELECT id, customer_id, total FROM orders WHERE id = %s' },
    }),
    f.item({
      at: 14,
      table: 'traces',
      ...orders,
      ...okOp,
      parentId: GET_ORDER_REQUEST,
      severity: 0,
      message: 'cache miss for order 1042',
      properties: { logger: 'orders.cache' },
    }),
    f.item({
      at: 9,
      table: 'traces',
      ...orders,
      ...okOp,
      parentId: GET_ORDER_REQUEST,
      severity: 1,
      message: 'Loading order 1042',
      properties: { logger: 'orders.api', 'code.lineno': '41' },
    }),
    f.item({
      at: 70,
      table: 'dependencies',
      ...orders,
      ...okOp,
      parentId: GET_ORDER_REQUEST,
      id: RATES_DEPENDENCY,
      name: 'GET /v1/rates',
      type: 'HTTP',
      target: 'api.exchangerate.example',
      duration: 96.5,
      success: true,
      resultCode: '200',
    }),
    f.item({
      at: 168,
      table: 'traces',
      ...orders,
      ...okOp,
      parentId: RATES_DEPENDENCY,
      severity: 2,
      message: 'Exchange rate API slow: 96 ms (budget 50 ms)',
    }),
    f.item({
      at: 171,
      table: 'dependencies',
      ...orders,
      ...okOp,
      parentId: GET_ORDER_REQUEST,
      id: INVENTORY_CALL,
      name: 'GET /inventory/1042',
      type: 'HTTP',
      target: 'inventory:8000',
      duration: 9.3,
      success: true,
      resultCode: '200',
    }),
    f.item({
      at: 173,
      table: 'requests',
      ...inventory,
      ...okOp,
      parentId: INVENTORY_CALL,
      id: INVENTORY_REQUEST,
      name: 'GET /inventory/<sku>',
      duration: 6.1,
      success: true,
      resultCode: '200',
      properties: { 'request.url': 'http://inventory:8000/inventory/1042' },
    }),
    f.item({
      at: 176,
      table: 'traces',
      ...inventory,
      ...okOp,
      parentId: `|${OK_OPERATION}.${INVENTORY_REQUEST}.`,
      severity: 1,
      message: 'Reserved 2 items for order 1042',
      properties: { process: 'MainProcess', module: 'inventory', fileName: '/srv/inventory/worker.py', lineNumber: '88', level: 'INFO' },
    }),
    f.item({
      at: 181,
      table: 'customEvents',
      ...orders,
      ...okOp,
      parentId: GET_ORDER_REQUEST,
      name: 'OrderViewed',
      properties: { orderId: '1042', channel: 'web' },
    }),
    f.item({
      at: 0,
      table: 'requests',
      ...orders,
      ...okOp,
      id: GET_ORDER_REQUEST,
      name: 'GET /orders/<int:order_id>',
      duration: 182.4,
      success: true,
      resultCode: '200',
      properties: { 'http.route': '/orders/<int:order_id>' },
    }),

    f.item({
      at: 2000,
      table: 'dependencies',
      ...orders,
      ...failedOp,
      parentId: 'b9c7c989f97918e1',
      id: 'd3e4f5a6b7c8d9e0',
      name: 'INSERT orders',
      type: 'postgresql',
      target: 'orders-db.internal|orders',
      duration: 7.9,
      success: false,
      resultCode: '23505',
    }),
    f.item({
      at: 2009,
      table: 'exceptions',
      ...orders,
      ...failedOp,
      parentId: 'b9c7c989f97918e1',
      severity: 3,
      exceptions: [
        {
          typeName: 'psycopg2.errors.UniqueViolation',
          message: 'duplicate key value violates unique constraint "orders_pkey"',
          stack: PYTHON_STACK,
        },
      ],
    }),
    f.item({
      at: 2010,
      table: 'traces',
      ...orders,
      ...failedOp,
      parentId: 'b9c7c989f97918e1',
      severity: 3,
      message: 'Order creation failed for customer 77',
    }),
    f.item({
      at: 1995,
      table: 'requests',
      ...orders,
      ...failedOp,
      id: 'b9c7c989f97918e1',
      name: 'POST /orders',
      duration: 35.1,
      success: false,
      resultCode: '500',
    }),

    f.item({
      at: 3000,
      table: 'traces',
      ...inventory,
      operationId: '00000000000000000000000000000000',
      parentId: '|00000000000000000000000000000000.0000000000000000.',
      severity: 4,
      message: 'Database connection pool exhausted (20/20 in use)',
    }),
    f.item({
      at: 3100,
      table: 'traces',
      ...inventory,
      operationId: '00000000000000000000000000000000',
      severity: 1,
      message: 'worker started, polling queue "reservations"',
    }),

    ...openCensusMetricItems(f, inventory),
    ...openTelemetryMetricItems(f, orders),
  ];
}

function openCensusMetricItems(f: ItemFactory, inventory: Partial<PanelItem>): PanelItem[] {
  // OpenCensus metrics_exporter: one point per envelope, value only (no count/min/max).
  return [3, 5, 4, 8, 6].map((value, index) =>
    f.item({
      at: 4000 + index * 1000,
      table: 'customMetrics',
      ...inventory,
      metrics: [{ name: 'reservations/processed', value }],
      properties: {},
    }),
  );
}

function openTelemetryMetricItems(f: ItemFactory, orders: Partial<PanelItem>): PanelItem[] {
  const items: PanelItem[] = [];
  for (let index = 0; index < 5; index++) {
    // An OTel histogram: value = sum, with count/min/max.
    items.push(
      f.item({
        at: 4500 + index * 1000,
        table: 'customMetrics',
        ...orders,
        metrics: [{ name: 'order.value', value: 120 + index * 35, count: 3 + index, min: 12.5, max: 99.9 - index }],
        properties: { currency: 'EUR' },
      }),
    );
    // An OTel gauge.
    items.push(
      f.item({
        at: 4600 + index * 1000,
        table: 'customMetrics',
        ...orders,
        metrics: [{ name: 'queue.depth', value: [2, 7, 4, 11, 5][index]! }],
      }),
    );
  }
  return items;
}

/** Live Metrics posts, one per second for the last 60 s, from one instance. */
export function liveSamples(now = Date.now()): LiveSample[] {
  const samples: LiveSample[] = [];
  for (let second = 60; second >= 1; second--) {
    samples.push({
      time: now - second * 1000,
      role: ORDERS_ROLE,
      instance: 'orders-7d9f6c-x2k4q',
      metrics: [
        { name: '\\ApplicationInsights\\Requests/Sec', value: 40 + (second % 7) },
        { name: '\\ApplicationInsights\\Requests Failed/Sec', value: second % 10 === 0 ? 2 : 0 },
        { name: '\\ApplicationInsights\\Request Duration', value: 120 + (second % 5) * 8 },
        { name: '\\ApplicationInsights\\Dependency Calls/Sec', value: 85 + (second % 4) },
        { name: '\\ApplicationInsights\\Dependency Calls Failed/Sec', value: 0 },
        { name: '\\ApplicationInsights\\Dependency Call Duration', value: 31 + (second % 3) },
        { name: '\\ApplicationInsights\\Exceptions/Sec', value: second % 15 === 0 ? 1 : 0 },
        { name: '\\Processor(_Total)\\% Processor Time', value: 23 + (second % 6) },
        { name: '\\Memory\\Committed Bytes', value: 182_000_000 + second * 10_000 },
      ],
    });
  }
  // The last sample: values the test reads back from the tiles.
  samples.push({
    time: now - 200,
    role: ORDERS_ROLE,
    instance: 'orders-7d9f6c-x2k4q',
    metrics: [
      { name: '\\ApplicationInsights\\Requests/Sec', value: 42 },
      { name: '\\ApplicationInsights\\Requests Failed/Sec', value: 3 },
      { name: '\\ApplicationInsights\\Request Duration', value: 137 },
      { name: '\\ApplicationInsights\\Dependency Calls/Sec', value: 88 },
      { name: '\\ApplicationInsights\\Dependency Calls Failed/Sec', value: 0 },
      { name: '\\ApplicationInsights\\Dependency Call Duration', value: 31 },
      { name: '\\ApplicationInsights\\Exceptions/Sec', value: 1 },
    ],
  });
  return samples;
}

export function snapshot(
  items: readonly PanelItem[],
  options: { live?: readonly LiveSample[]; forwarding?: ForwardingStatus } = {},
): HostToWebview {
  return { type: 'snapshot', items, live: options.live ?? [], forwarding: options.forwarding ?? FORWARDING, relayUrl: RELAY_URL };
}

export function delta(
  added: readonly PanelItem[],
  evicted: readonly number[] = [],
  extra: { cleared?: boolean; live?: readonly LiveSample[] } = {},
): HostToWebview {
  return { type: 'delta', added, evicted, live: extra.live ?? [], ...(extra.cleared ? { cleared: true } : {}) };
}
