/**
 * Stack frames and log locations from real captures (test/fixtures/captures: the Python clients'
 * own requests), OTLP exception events through the real conversion, and hand-made hostile stacks.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Envelope } from '../../../src/core/envelope';
import { decodeOtlp, convertOtlp } from '../../../src/core/otlp';
import { toPanelItem } from '../../../src/core/panel';
import {
  exceptionFrames,
  innermostAppFrame,
  isLibraryPath,
  isLinkablePath,
  logSourceLocation,
  MAX_LINKED_FRAMES,
  pythonTracebackFrames,
} from '../../../src/core/source';
import { normaliseEnvelope } from '../../../src/core/store/normalise';
import type { TelemetryItem } from '../../../src/core/store/telemetryItem';
import { REPO_ROOT } from '../../harness/paths';
import { body, kv, logRequest, span, traceRequest } from '../otlp/otlpJson';

function captureItems(name: string): TelemetryItem[] {
  const envelopes = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'captures', `${name}.body.json`), 'utf8'),
  ) as Envelope[];
  return envelopes
    .map((envelope, index) => normaliseEnvelope(envelope, index + 1, Date.now()))
    .filter((item): item is TelemetryItem => item !== undefined);
}

function otlpItems(signal: 'traces' | 'logs', request: unknown): TelemetryItem[] {
  const decoded = decodeOtlp(signal, body(request), 'json');
  assert.ok(decoded.ok);
  return convertOtlp(signal, decoded.request, { iKey: '00000000-0000-0000-0000-000000000000', nowMs: Date.now() }).envelopes.map(
    (envelope, index) => normaliseEnvelope(envelope, index + 1, Date.now())!,
  );
}

/** The captures were made in different directories over time: compare the file names, not the folders. */
function named<T extends { file: string }>(frames: readonly T[] | undefined): T[] {
  return (frames ?? []).map((frame) => ({ ...frame, file: path.posix.basename(frame.file) }));
}
const one = <T extends { file: string }>(frame: T | undefined): T | undefined => (frame ? named([frame])[0] : undefined);

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "/srv/app/orders/views.py", line 42, in create_order',
  '    total = price_of(order)',
  '  File "/srv/app/.venv/lib/python3.12/site-packages/flask/app.py", line 880, in full_dispatch_request',
  '    rv = self.dispatch_request()',
  '  File "orders/pricing.py", line 7, in price_of',
  '    raise ValueError("no price")',
  'ValueError: no price',
].join('\n');

describe('source: stack frames from telemetry', () => {
  it('OpenTelemetry exporter (real capture): the traceback text gives the frame at its line', () => {
    const exception = captureItems('py-otel-azure-exporter.req1').find((item) => item.table === 'exceptions')!;
    const frames = exceptionFrames(exception.exceptions![0]!);
    assert.match(frames[0]!.file, /^\/.*\/otel_exporter\.py$/);
    assert.deepStrictEqual(named(frames), [{ file: 'otel_exporter.py', line: 77, function: '<module>' }]);
  });

  it('OpenCensus logs (real capture): parsedStack for the exception, fileName/lineNumber for each record', () => {
    const items = captureItems('py-opencensus-logs.req1');
    const exception = items.find((item) => item.table === 'exceptions')!;
    assert.deepStrictEqual(named(exceptionFrames(exception.exceptions![0]!)), [{ file: 'oc_logs.py', line: 40, function: '<module>' }]);
    const traces = items.filter((item) => item.table === 'traces');
    assert.ok(traces.length >= 5);
    for (const trace of traces) assert.deepStrictEqual(one(logSourceLocation(trace.properties)), { file: 'oc_logs.py', line: 35 });
    // What the panel receives: frames on the exception, the location on the record.
    const panelException = toPanelItem(exception);
    assert.deepStrictEqual(named(panelException.exceptions?.[0]?.frames), [{ file: 'oc_logs.py', line: 40, function: '<module>' }]);
    assert.deepStrictEqual(one(panelException.source), { file: 'oc_logs.py', line: 42 });
    assert.deepStrictEqual(one(toPanelItem(traces[0]!).source), { file: 'oc_logs.py', line: 35 });
  });

  it('applicationinsights legacy (real capture): parsedStack', () => {
    const exception = captureItems('py-applicationinsights-legacy.req1').find((item) => item.table === 'exceptions')!;
    assert.deepStrictEqual(named(exceptionFrames(exception.exceptions![0]!)), [{ file: 'ai_legacy.py', line: 29, function: '<module>' }]);
  });

  it('Node classic SDK (real capture): parsedStack ordered innermost last; node: internals stay text', () => {
    const exception = captureItems('node-applicationinsights-classic.req2').find((item) => item.table === 'exceptions')!;
    const frames = exceptionFrames(exception.exceptions![0]!);
    assert.strictEqual(frames.length, 4);
    assert.match(frames.at(-1)!.file, /^file:\/\/\/.*\/appinsights-classic\.mjs$/);
    assert.deepStrictEqual(one(frames.at(-1)), { file: 'appinsights-classic.mjs', line: 45, function: '<no_method>' });
    assert.strictEqual(frames[0]!.file, 'node:internal/modules/run_main');
    assert.strictEqual(frames[0]!.linkable, false);
    assert.strictEqual(innermostAppFrame(frames)?.line, 45);
  });

  it('OTLP span exception event and OTLP log record: exception.stacktrace and code.* attributes', () => {
    const events = [
      {
        timeUnixNano: '1767323045700000000',
        name: 'exception',
        attributes: kv({ 'exception.type': 'ValueError', 'exception.message': 'no price', 'exception.stacktrace': TRACEBACK }),
      },
    ];
    const exception = otlpItems('traces', traceRequest([span({ kind: 2, events })])).find((item) => item.table === 'exceptions')!;
    const frames = toPanelItem(exception).exceptions![0]!.frames!;
    assert.deepStrictEqual(frames, [
      { file: '/srv/app/orders/views.py', line: 42, function: 'create_order' },
      { file: '/srv/app/.venv/lib/python3.12/site-packages/flask/app.py', line: 880, function: 'full_dispatch_request', library: true },
      { file: 'orders/pricing.py', line: 7, function: 'price_of' },
    ]);
    assert.strictEqual(innermostAppFrame(frames)?.file, 'orders/pricing.py');

    const record = {
      timeUnixNano: '1767323045678901234',
      severityNumber: 13,
      body: { stringValue: 'slow' },
      attributes: kv({ 'code.filepath': '/srv/app/orders/views.py', 'code.lineno': 51, 'code.function': 'create_order' }),
    };
    const [log] = otlpItems('logs', logRequest([record]));
    assert.deepStrictEqual(toPanelItem(log!).source, { file: '/srv/app/orders/views.py', line: 51, function: 'create_order' });
  });

  it('chained tracebacks give every frame; CRLF line ends and a frame without "in" parse', () => {
    const text = `${TRACEBACK}\r\n\r\nDuring handling of the above exception, another exception occurred:\r\n\r\nTraceback (most recent call last):\r\n  File "/srv/app/main.py", line 3\r\n    boom()\r\nKeyError: 1`;
    const frames = pythonTracebackFrames(text);
    assert.strictEqual(frames.length, 4);
    assert.deepStrictEqual(frames[3], { file: '/srv/app/main.py', line: 3 });
  });

  it('library paths: site-packages, dist-packages, the standard library, frozen modules', () => {
    assert.ok(isLibraryPath('/usr/lib/python3/dist-packages/requests/api.py'));
    assert.ok(isLibraryPath('C:\\Python312\\Lib\\site-packages\\flask\\app.py'));
    assert.ok(isLibraryPath('/usr/lib/python3.11/json/decoder.py'));
    assert.ok(isLibraryPath('<frozen runpy>'));
    assert.ok(!isLibraryPath('/home/dev/app/site_packages_report.py'));
  });
});

describe('source: hostile stacks and paths stay text', () => {
  it('UNC paths, file://host URLs, other schemes, control and bidi characters are not links', () => {
    for (const file of [
      '\\\\evil-host\\share\\x.py',
      '//evil-host/share/x.py',
      'file://evil-host/share/x.py',
      'https://example.com/x.py',
      'node:internal/x',
      '<stdin>',
      '/app/x.py\u0000.txt',
      '/app/\u202egnp.py',
      '/app/x\n.py',
      'x'.repeat(5000),
    ]) {
      assert.strictEqual(isLinkablePath(file), false, JSON.stringify(file.slice(0, 40)));
    }
    for (const file of [
      '/app/x.py',
      'x.py',
      '../../etc/passwd',
      'C:\\app\\x.py',
      'file:///home/dev/app/x.py',
      'file://localhost/home/x.py',
    ]) {
      assert.strictEqual(isLinkablePath(file), true, file);
    }
  });

  it('a traceback line with a hostile path becomes a frame marked not linkable, never dropped silently', () => {
    const frames = pythonTracebackFrames(
      'Traceback (most recent call last):\n  File "\\\\host\\share\\evil.py", line 1, in <module>\nX: y',
    );
    assert.deepStrictEqual(frames, [{ file: '\\\\host\\share\\evil.py', line: 1, function: '<module>', linkable: false }]);
  });

  it('a 10,000-frame stack: at most MAX_LINKED_FRAMES frames, the innermost ones for parsedStack', () => {
    const text = [
      'Traceback (most recent call last):',
      ...Array.from({ length: 10_000 }, (_, index) => `  File "/app/deep.py", line ${index + 1}, in f${index}\n    f()`),
      'RecursionError: x',
    ].join('\n');
    const frames = pythonTracebackFrames(text);
    assert.strictEqual(frames.length, MAX_LINKED_FRAMES);
    const parsedStack = Array.from({ length: 10_000 }, (_, index) => ({
      level: index,
      method: `f${index}`,
      fileName: '/app/deep.py',
      line: index + 1,
    }));
    const parsed = exceptionFrames({ parsedStack });
    assert.strictEqual(parsed.length, MAX_LINKED_FRAMES);
    assert.strictEqual(parsed.at(-1)!.line, 1, 'level 0, the innermost frame, is kept and last');
  });

  it('absurd line numbers and huge lines are not believed', () => {
    assert.deepStrictEqual(pythonTracebackFrames('  File "/app/a.py", line 999999999999, in f'), []);
    assert.deepStrictEqual(
      exceptionFrames({
        parsedStack: [
          { fileName: '/app/a.py', line: -3 },
          { fileName: '/app/b.py', line: 1.5 },
        ],
      }),
      [{ file: '/app/a.py' }, { file: '/app/b.py' }],
    );
    assert.deepStrictEqual(logSourceLocation({ 'code.filepath': '/app/a.py', 'code.lineno': '12abc' }), { file: '/app/a.py' });
    assert.deepStrictEqual(pythonTracebackFrames(`  File "${'a'.repeat(300_000)}", line 1`), []);
  });

  it('properties named like Object.prototype members are not read as locations', () => {
    assert.strictEqual(logSourceLocation({}), undefined);
    assert.strictEqual(logSourceLocation(JSON.parse('{"__proto__": {"fileName": "/etc/passwd"}}') as Record<string, string>), undefined);
  });
});
