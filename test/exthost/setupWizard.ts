/** Driving the Set Up wizard's quick input through the harness's UI driver (shared by the Set Up suites). */
import { eventually } from './extensionApi';
import { QUICK_INPUT, ui } from './ui';

export const TITLE = '.quick-input-widget .quick-input-title';
export const LIST = '.quick-input-widget .quick-input-list';
const FOCUSED_ROW = `${LIST} .monaco-list-row.focused`;

/** Waits until the quick input shows this step (its title reads "Set Up Python Monitoring (n/N)"). */
export async function waitForStep(step: number): Promise<string> {
  return eventually(`setup step ${step}`, async () => {
    const title = await ui<string>({ action: 'text', selector: TITLE }).catch(() => '');
    return new RegExp(`Set Up Python Monitoring.*\\(${step}/\\d\\)`).test(title) && title;
  });
}

/** Waits until the quick input's title matches (a question that is not a wizard step). */
export async function waitForTitle(pattern: RegExp): Promise<string> {
  return eventually(`a quick input titled ${pattern}`, async () => {
    const title = await ui<string>({ action: 'text', selector: TITLE }).catch(() => '');
    return pattern.test(title) && title;
  });
}

/**
 * Types `text` into the filter and presses Enter once the *highlighted* row is that item: the list
 * shows every item before the filter applies, so "in the list" alone would pick the first one.
 */
export async function choose(text: string): Promise<void> {
  await ui({ action: 'fill', selector: QUICK_INPUT, text });
  await eventually(`"${text}" highlighted`, async () =>
    (await ui<string>({ action: 'text', selector: FOCUSED_ROW }).catch(() => '')).includes(text),
  );
  await ui({ action: 'press', key: 'Enter' });
}
