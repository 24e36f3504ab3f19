/**
 * Issue 18 in the real workbench: a Flask app's route handlers and its outgoing call get lenses
 * with the current run's numbers. A standard-library script, run with "Run Python File with Live
 * Telemetry", posts what the OpenTelemetry Flask and requests instrumentations send for that app
 * (requests named `GET /orders/<int:order_id>`, an HTTP dependency) to the relay; the lenses appear
 * above `@app.route` and `requests.get`, and none above the route that got no call.
 * Screenshot: test-results/lens-flask.png.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, startCodeServer } from '../harness/codeServer';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import {
  launchChromium,
  openFileFromQuickOpen,
  openWorkbench,
  runCommandFromPalette,
  waitForWorkbench,
  workbenchUrl,
} from '../harness/workbench';

const SHOP_APP = `"""A small Flask shop (the lenses' sample)."""
import requests
from flask import Flask

app = Flask(__name__)


@app.route("/orders/<int:order_id>", methods=["GET"])
def get_order(order_id):
    price = requests.get(f"http://prices.internal/prices/{order_id}", timeout=3)
    return {"id": order_id, "price": price.json()}


@app.post("/orders")
def create_order():
    return {}, 201
`;

/** What the instrumentations send for four calls of get_order (one failed), with the standard library only. */
const SHOP_TRAFFIC = `import datetime, json, os, urllib.request, uuid

settings = {k.strip().lower(): v.strip() for k, v in (p.split("=", 1) for p in os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"].split(";") if "=" in p)}
ikey = settings["instrumentationkey"]

def envelope(name, base_type, data):
    return {"name": name, "time": datetime.datetime.now(datetime.timezone.utc).isoformat(), "iKey": ikey,
            "tags": {"ai.cloud.role": "shop", "ai.operation.id": uuid.uuid4().hex},
            "data": {"baseType": base_type, "baseData": {"ver": 2, "id": uuid.uuid4().hex[:16], **data}}}

items = []
for ms, ok, order in [(42, True, 1), (84, True, 2), (61, True, 3), (230, False, 4)]:
    items.append(envelope("Microsoft.ApplicationInsights.Request", "RequestData", {"name": "GET /orders/<int:order_id>", "duration": f"00:00:00.{ms:03d}", "responseCode": "200" if ok else "500", "success": ok, "url": f"http://localhost:5000/orders/{order}"}))
    items.append(envelope("Microsoft.ApplicationInsights.RemoteDependency", "RemoteDependencyData", {"name": f"GET /prices/{order}", "type": "HTTP", "target": "prices.internal", "data": f"http://prices.internal/prices/{order}", "duration": "00:00:00.012", "resultCode": "200", "success": True}))
request = urllib.request.Request(settings["ingestionendpoint"].rstrip("/") + "/v2.1/track", data=json.dumps(items).encode(), headers={"Content-Type": "application/json"})
print("shop traffic:", urllib.request.urlopen(request, timeout=10).status)
`;

describe('Lenses with live numbers on a Flask app, in the real workbench', function () {
  this.timeout(240_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let workspace: string;
  const shot = (name: string) => page.screenshot({ path: path.join(TEST_RESULTS_DIR, `lens-${name}.png`) });

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'azmon-lens-ws-'));
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'shop.py'), SHOP_APP);
    fs.writeFileSync(path.join(workspace, 'shop_traffic.py'), SHOP_TRAFFIC);
    server = await startCodeServer({
      settings: { 'terminal.integrated.enablePersistentSessions': false, 'terminal.integrated.gpuAcceleration': 'off' },
    });
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: workspace })));
    await waitForWorkbench(page);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await shot('failure').catch(() => undefined);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('shows "4 calls · p95 230 ms · 1 failed" above the route and the numbers of the requests call; none without data', async () => {
    await openFileFromQuickOpen(page, 'shop.py');
    const lenses = page.locator('.editor-instance .monaco-editor .codelens-decoration');
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'def create_order' }).first().waitFor({ timeout: 30_000 });
    assert.strictEqual(await lenses.count(), 0, 'no lens before the relay has data');

    await openFileFromQuickOpen(page, 'shop_traffic.py');
    await runCommandFromPalette(page, 'Azure Monitor: Run Python File with Live Telemetry');
    // The command opens the live panel, which takes the editor when drawn: wait for it and for the
    // script's 8 items in the status bar, then go back to the app.
    await page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    await page
      .locator('.statusbar-item', { hasText: /Azure Monitor:.*·\s*8\b/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await openFileFromQuickOpen(page, 'shop.py');
    const route = lenses.filter({ hasText: '4 calls · p95 230 ms · 1 failed' });
    await route.waitFor({ timeout: 90_000 });
    const call = lenses.filter({ hasText: '4 calls · p95 12 ms' });
    await call.waitFor({ timeout: 30_000 });
    assert.strictEqual(await lenses.count(), 2, `two lenses: ${await lenses.allInnerTexts()}`);
    await shot('flask');
  });
});
