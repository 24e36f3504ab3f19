/**
 * Client side of the harness's UI driver (test/harness/uiDriver.ts): lets a test running inside the
 * extension host type into the real workbench. Unavailable under @vscode/test-electron, where
 * tests that need it skip themselves.
 */
import * as vscode from 'vscode';
import type { UiAction } from '../harness/uiDriver';

export const uiDriverAvailable = Boolean(process.env.AZMON_UI_DRIVER_URL);

export async function ui<T = unknown>(action: UiAction): Promise<T> {
  const url = process.env.AZMON_UI_DRIVER_URL;
  if (!url) {
    throw new Error('AZMON_UI_DRIVER_URL is not set: the UI driver exists only in the code-server harness.');
  }
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(action), headers: { 'content-type': 'application/json' } });
  const reply = (await response.json()) as { ok: boolean; value?: T; error?: string };
  if (!reply.ok) {
    throw new Error(`UI action ${action.action} failed: ${reply.error}`);
  }
  return reply.value as T;
}

export const QUICK_INPUT = '.quick-input-widget input';

/**
 * Opens the Notification Center and returns the selector of the notification whose text contains
 * `text`, once it is listed. Tests read notifications here, not as toasts: VS Code shows at most
 * three toasts per 800 ms (its spam protection; more only reach the center) and purges toasts after
 * a while, so whether a toast appears depends on what an earlier test notified just before.
 */
export async function notificationInCenter(text: string): Promise<string> {
  await vscode.commands.executeCommand('notifications.showList');
  const entry = `.notifications-center .notification-list-item:has-text(${JSON.stringify(text)})`;
  await ui({ action: 'waitFor', selector: entry });
  return entry;
}

/** Types into the quick input box that a command opened, then presses Enter. */
export async function answerInputBox(text: string): Promise<void> {
  await ui({ action: 'waitFor', selector: QUICK_INPUT });
  await ui({ action: 'fill', selector: QUICK_INPUT, text });
  await ui({ action: 'press', key: 'Enter' });
}

/**
 * Waits until the input box's message matches (validation runs asynchronously after typing) and
 * returns it; after the timeout returns the last message seen, for the assertion to show.
 */
export async function waitForInputBoxMessage(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const selector = '.quick-input-widget .quick-input-message';
  const deadline = Date.now() + timeoutMs;
  let message = '';
  while (Date.now() < deadline) {
    message = await ui<string>({ action: 'text', selector }).catch(() => '');
    if (pattern.test(message)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return message;
}
