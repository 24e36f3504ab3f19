/**
 * The live panel's Content-Security-Policy as the real workbench applies it (issue 8: "CSP blocks
 * inline scripts, checked in Chromium"). Inside the panel's frame an inline <script>, an inline
 * event handler, a javascript: URL, eval() and new Function() are each tried: none runs, and
 * Chromium reports a violation for each. A script carrying the page's own nonce does run — the control that shows
 * the probe would notice a script running.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { CodeServer, createRunDir, startCodeServer } from '../harness/codeServer';
import { SAMPLE_WORKSPACE, TEST_RESULTS_DIR } from '../harness/paths';
import { launchChromium, openWorkbench, runCommandFromPalette, waitForWorkbench, workbenchUrl } from '../harness/workbench';

interface CspProbe {
  policy: string;
  inlineScript: unknown;
  inlineHandler: unknown;
  javascriptUrl: unknown;
  javascriptUrlViolations: string[];
  evalResult: string;
  functionResult: string;
  nonceScript: unknown;
  nonceEvalResult: string;
  violations: string[];
}

/**
 * Runs in the panel's frame. It first leaves the DevTools evaluation that started it (a new task:
 * code run synchronously inside that evaluation may eval whatever the page's policy says). Each
 * refused attempt is awaited through the violation Chromium reports for it (10 s at most; the
 * assertions then say what is missing), not for a fixed time.
 */
const PROBE = `(async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const violations = [];
  document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
  const reported = async (test) => {
    const deadline = performance.now() + 10000;
    while (!test() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  const script = document.createElement('script');
  script.textContent = 'window.__inlineScript = 1';
  document.body.append(script);
  const image = document.createElement('img');
  const imageDone = new Promise((resolve) => { image.addEventListener('error', resolve); image.addEventListener('load', resolve); });
  image.setAttribute('onerror', 'window.__inlineHandler = 1');
  image.src = 'data:image/png;base64,AAAA';
  document.body.append(image);
  await imageDone;
  await reported(() => violations.includes('script-src-elem') && violations.includes('script-src-attr'));
  const beforeUrl = violations.length;
  try { window.location.href = 'javascript:window.__javascriptUrl = 1'; } catch {}
  await reported(() => violations.length > beforeUrl);
  const javascriptUrlViolations = violations.slice(beforeUrl);
  const beforeEval = violations.length;
  let evalResult, functionResult;
  try { evalResult = String(eval('6 * 7')); } catch (error) { evalResult = error.name; }
  try { functionResult = String(new Function('return 6 * 7')()); } catch (error) { functionResult = error.name; }
  // A script element with the nonce runs synchronously when it is inserted.
  const allowed = document.createElement('script');
  allowed.nonce = document.querySelector('script[nonce]').nonce;
  allowed.textContent = 'window.__nonceScript = 1; try { window.__nonceEval = String(eval("6 * 7")); } catch (error) { window.__nonceEval = error.name; }';
  document.body.append(allowed);
  await reported(() => violations.slice(beforeEval).filter((directive) => directive === 'script-src').length > 0);
  for (const element of [script, image, allowed]) element.remove();
  return {
    policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]').content,
    inlineScript: window.__inlineScript, inlineHandler: window.__inlineHandler,
    javascriptUrl: window.__javascriptUrl, javascriptUrlViolations, evalResult, functionResult,
    nonceScript: window.__nonceScript, nonceEvalResult: window.__nonceEval, violations,
  };
})()`;

describe('Live panel CSP in the real workbench', function () {
  this.timeout(180_000);
  let server: CodeServer;
  let browser: Browser;
  let page: Page;

  before(async () => {
    fs.mkdirSync(TEST_RESULTS_DIR, { recursive: true });
    const runDir = createRunDir();
    const workspace = path.join(runDir, 'workspace');
    fs.cpSync(SAMPLE_WORKSPACE, workspace, { recursive: true });
    server = await startCodeServer({ runDir });
    browser = await launchChromium();
    ({ page } = await openWorkbench(browser, workbenchUrl({ baseUrl: server.url, folder: workspace })));
    await waitForWorkbench(page);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("blocks inline scripts, inline handlers, javascript: URLs and eval; runs the nonce'd script", async () => {
    await runCommandFromPalette(page, 'Azure Monitor: Open Live Telemetry');
    const panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    await panel.locator('.panel-root .toolbar').waitFor({ timeout: 60_000 });
    const frame: Frame | null | undefined = await (await panel.locator('#app').elementHandle())?.ownerFrame();
    assert.ok(frame, 'the panel frame');
    const probe = (await frame.evaluate(PROBE)) as CspProbe;

    assert.match(probe.policy, /script-src 'nonce-[A-Za-z0-9]+'/);
    assert.doesNotMatch(probe.policy, /unsafe-inline|unsafe-eval/);
    assert.strictEqual(probe.nonceScript, 1, "the control: a script with the page's nonce runs");
    assert.strictEqual(probe.inlineScript, undefined, 'an inline <script> without the nonce ran');
    assert.strictEqual(probe.inlineHandler, undefined, 'an inline onerror handler ran');
    assert.strictEqual(probe.javascriptUrl, undefined, 'a javascript: URL ran');
    assert.ok(probe.javascriptUrlViolations.length > 0, 'the javascript: URL was refused by the policy');
    assert.deepStrictEqual(
      [probe.evalResult, probe.functionResult, probe.nonceEvalResult],
      ['EvalError', 'EvalError', 'EvalError'],
      "eval / new Function / eval in a nonce'd script",
    );
    for (const directive of ['script-src-elem', 'script-src-attr', 'script-src']) {
      assert.ok(probe.violations.includes(directive), `a ${directive} violation was reported (${probe.violations.join(', ')})`);
    }
    console.log(
      `      CSP: ${probe.violations.length} violations reported (${[...new Set(probe.violations)].join(', ')}); nothing ran but the nonce'd control`,
    );
  });
});
