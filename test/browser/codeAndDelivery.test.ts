/**
 * Issues 18 and 19 in the real workbench, in one code-server session with the sample workspace:
 * forwarding to the fake Azure service, which refuses one item in a 206 (per-item 400); a
 * standard-library script, run with "Run Python File with Live Telemetry", posts what a Python app
 * sends (a GenAI chat call as a dependency with the GenAI conventions, requests kept at 25 %, an
 * exception raised in the workspace's app.py) to the relay. The live panel then shows the
 * conversation, the dropped item's reason, the sampling notice and a stack-frame link, and the
 * Problems panel shows the runtime exception. Screenshots: test-results/workbench-*.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { eventually } from '../harness/eventually';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import {
  launchChromium,
  notificationShown,
  openFileFromQuickOpen,
  openWorkbench,
  QUICK_INPUT,
  runCommandFromPalette,
  waitForWorkbench,
  workbenchUrl,
} from '../harness/workbench';
import { type FakeEnvelope, FakeIngestion } from '../fakes/fakeIngestion';

const REAL_KEY = '5b2e7c4d-1a3f-4e6b-9c8d-7f6e5d4c3b2a';
const REFUSED_REQUEST = 'POST /orders/refused';
const REFUSAL = "Field 'url' on type RequestData is not a valid URL";
const SAMPLED_REQUESTS = 4;

type Envelope = Record<string, unknown>;

function envelope(name: string, baseType: string, operationId: string, baseData: Record<string, unknown>, extra: Envelope = {}): Envelope {
  return {
    name: `Microsoft.ApplicationInsights.${name}`,
    tags: { 'ai.cloud.role': 'sample-app', 'ai.operation.id': operationId, 'ai.operation.name': baseData.name ?? 'app' },
    data: { baseType, baseData: { ver: 2, ...baseData } },
    ...extra,
  };
}

function request(name: string, operationId: string, id: string, extra: Envelope = {}): Envelope {
  return envelope(
    'Request',
    'RequestData',
    operationId,
    { id, name, duration: '00:00:00.120', success: true, responseCode: '200', url: 'http://localhost:5000/orders' },
    extra,
  );
}

/** What the app sends in its run; the script fills in iKey and time. */
function traffic(appFile: string): Envelope[] {
  const chat = 'a'.repeat(32);
  const genAi = envelope('RemoteDependency', 'RemoteDependencyData', chat, {
    id: '2'.repeat(16),
    name: 'chat gpt-4o',
    duration: '00:00:01.640',
    success: true,
    resultCode: '0',
    type: 'GenAI | azure.ai.openai',
    target: 'myresource.openai.azure.com',
    properties: {
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': '57',
      'gen_ai.usage.output_tokens': '19',
      'gen_ai.response.finish_reasons': '["stop"]',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'What is the weather in Seoul?' }] }]),
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'It is 12°C and cloudy in Seoul right now.' }], finish_reason: 'stop' },
      ]),
    },
  });
  (genAi.tags as Record<string, string>)['ai.operation.parentId'] = '1'.repeat(16);
  const stack = [
    'Traceback (most recent call last):',
    `  File "${appFile}", line 11, in handle_order`,
    '    time.sleep(0.05)',
    'ValueError: no price for order 3',
  ].join('\n');
  const exception = envelope('Exception', 'ExceptionData', 'b'.repeat(32), {
    exceptions: [{ typeName: 'ValueError', message: 'no price for order 3', hasFullStack: true, stack }],
  });
  return [
    request('POST /ask', chat, '1'.repeat(16)),
    genAi,
    request(REFUSED_REQUEST, 'c'.repeat(32), '3'.repeat(16)),
    exception,
    ...Array.from({ length: SAMPLED_REQUESTS }, (_, index) =>
      request('GET /orders', `${index + 1}`.padStart(32, 'd'), `${index + 1}`.padStart(16, 'e'), { sampleRate: 25 }),
    ),
  ];
}

/** Posts the envelopes of traffic.json to the relay, with the standard library only. */
const SEND_TRAFFIC = `import datetime, json, os, pathlib, urllib.request

settings = {k.strip().lower(): v.strip() for k, v in (p.split("=", 1) for p in os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"].split(";") if "=" in p)}
items = json.loads((pathlib.Path(__file__).parent / "traffic.json").read_text(encoding="utf-8"))
for item in items:
    item["iKey"] = settings["instrumentationkey"]
    item["time"] = datetime.datetime.now(datetime.timezone.utc).isoformat()
request = urllib.request.Request(settings["ingestionendpoint"].rstrip("/") + "/v2.1/track", data=json.dumps(items).encode(), headers={"Content-Type": "application/json"})
print("sent:", urllib.request.urlopen(request, timeout=10).status)
`;

const isRefused = (item: FakeEnvelope) => item.data?.baseData?.name === REFUSED_REQUEST;

describe('Code links, runtime exceptions, GenAI, sampling and delivery in the real workbench', function () {
  this.timeout(300_000);
  let fake: FakeIngestion;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let panel: FrameLocator;
  const shot = (name: string) => page.screenshot({ path: path.join(TEST_RESULTS_DIR, `workbench-${name}.png`) });

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    fake = await FakeIngestion.start({ expectKey: REAL_KEY });
    // The service refuses the one request it cannot take, in a partial answer, whatever the batching.
    fake.setPlan((recorded) =>
      recorded.items.some(isRefused)
        ? {
            kind: 'partial',
            codes: recorded.items.map((item) => (isRefused(item) ? 400 : 200)),
            messages: recorded.items.map((item) => (isRefused(item) ? REFUSAL : undefined)),
          }
        : undefined,
    );
    const runDir = createRunDir();
    const workspace = path.join(runDir, 'workspace');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'traffic.json'), JSON.stringify(traffic(path.join(workspace, 'app.py'))));
    fs.writeFileSync(path.join(workspace, 'send_traffic.py'), SEND_TRAFFIC);
    server = await startCodeServer({
      runDir,
      settings: { 'terminal.integrated.enablePersistentSessions': false, 'terminal.integrated.gpuAcceleration': 'off' },
    });
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: workspace })));
    // Wider than the harness's 1280 px: the strip's sampling notice is shown whole, not cut off.
    await page.setViewportSize({ width: 1920, height: 1000 });
    await waitForWorkbench(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot('failure').catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  async function openView(view: string): Promise<void> {
    await panel.locator(`vscode-tab-header[data-view="${view}"]`).click();
    await panel.locator(`vscode-tab-panel[data-view="${view}"]:not([hidden])`).waitFor();
  }

  it('a run forwarded with one item refused: the panel shows the conversation, the drop reason, the sampling and a frame link; Problems lists the exception', async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Set Connection String');
    await page.locator(QUICK_INPUT).waitFor({ state: 'visible' });
    await page.keyboard.type(fake.connectionString(REAL_KEY), { delay: 0 });
    await page.keyboard.press('Enter');
    await notificationShown(page, 'Connection string saved');
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');

    await openFileFromQuickOpen(page, 'send_traffic.py');
    await runCommandFromPalette(page, 'Azure Monitor: Run Python File with Live Telemetry');
    panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    const total = 4 + SAMPLED_REQUESTS;
    await page
      .locator('.statusbar-item', { hasText: new RegExp(`Azure Monitor:.*·\\s*${total}\\b`) })
      .first()
      .waitFor({ timeout: 90_000 });
    // Everything forwarded reached the service, the refused request excepted.
    await fake.waitForItems(total - 1, 60_000);
    assert.ok(
      fake.requests().some((recorded) => recorded.status === 206),
      'the service answered 206',
    );
    await runCommandFromPalette(page, 'View: Hide Panel');
    await runCommandFromPalette(page, 'View: Close Primary Side Bar');
    await runCommandFromPalette(page, 'Notifications: Clear All Notifications');

    // GenAI: the conversation in the chat call's details.
    await openView('transactions');
    await panel.locator('.operations-list .vlist-row', { hasText: 'POST /ask' }).click();
    await panel.locator('.waterfall .row', { hasText: 'chat gpt-4o' }).first().click();
    const conversation = panel.locator('.item-pane .genai-conversation');
    await eventually(async () => assert.strictEqual(await conversation.locator('.genai-message').count(), 2));
    assert.match(await conversation.innerText(), /What is the weather in Seoul\?[\s\S]*It is 12°C and cloudy in Seoul right now\./);
    const fields = await panel.locator('.item-pane .genai-fields').innerText();
    assert.match(fields, /gpt-4o/);
    assert.match(fields, /57/);
    await conversation.scrollIntoViewIfNeeded();
    await shot('genai');

    // Delivery: the refused request is dropped, with the service's reason.
    await panel.locator('.operations-list .vlist-row', { hasText: REFUSED_REQUEST }).click();
    const line = panel.locator('.item-pane .delivery-line');
    await eventually(async () => assert.strictEqual(await line.getAttribute('data-delivery'), 'dropped'));
    assert.match(await line.innerText(), /Dropped: the service refused this item in a partial answer \(206\) \(HTTP 400\)/);
    const serviceMessage = panel.locator('.item-pane .delivery-message');
    assert.match(await serviceMessage.innerText(), /not a valid URL/);
    await serviceMessage.scrollIntoViewIfNeeded();
    await shot('delivery-dropped');

    // Sampling: the strip says the app keeps 25 %, and so does each kept request.
    const sampling = panel.locator('.forwarding-strip .strip-sampling');
    await eventually(async () =>
      assert.match(
        await sampling.innerText(),
        new RegExp(`The app keeps 25% of traces: ${SAMPLED_REQUESTS} of about ${SAMPLED_REQUESTS * 4} requests kept`),
      ),
    );
    // And a kept request says what it stands for.
    await panel.locator('.operations-list .vlist-row', { hasText: 'GET /orders' }).first().click();
    const sampledFields = panel.locator('.item-pane .fields');
    await eventually(async () => assert.match(await sampledFields.innerText(), /Sampling\s+Kept at 25%: this item stands for 4 items/));
    await shot('sampling');

    // Source link: the exception's frame in app.py is a link.
    await openView('logs');
    await panel.locator('vscode-tab-panel[data-view="logs"] .logs-list .vlist-row', { hasText: 'no price for order 3' }).first().click();
    const frame = panel.locator('vscode-tab-panel[data-view="logs"] .details-pane ol.frames button.frame-link', { hasText: 'app.py:11' });
    await frame.waitFor({ timeout: 30_000 });
    assert.match(await frame.innerText(), /app\.py:11 in handle_order/);
    await frame.scrollIntoViewIfNeeded();
    await shot('frame-link');

    // Problems: the runtime exception at app.py line 11.
    await runCommandFromPalette(page, 'View: Focus Problems');
    const entry = page.locator('.markers-panel .monaco-list-row', { hasText: 'ValueError: no price for order 3' });
    await entry.first().waitFor({ timeout: 60_000 });
    assert.match(await entry.first().innerText(), /raised once in the last run/);
    await shot('problems');
  });
});
