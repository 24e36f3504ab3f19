/**
 * A small multi-step input: each step is an object that knows whether it applies
 * (`shouldPrompt`) and how to ask (`prompt`), in the spirit of vscode-azuretools' wizard steps.
 * Steps show "n/N" in the title and a Back button; Back re-runs the previous step that prompted.
 */
import * as vscode from 'vscode';

/** Thrown by a prompt when the user pressed Back. */
export class BackPressed extends Error {
  constructor() {
    super('back');
  }
}

export interface WizardStep<T> {
  /** Asks the user and writes the answer into `state`; throws BackPressed to go back. */
  prompt(state: T, ui: StepUi): Promise<void>;
  shouldPrompt?(state: T): boolean;
}

export interface StepUi {
  readonly title: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly canGoBack: boolean;
}

export interface PickOptions<I extends vscode.QuickPickItem> {
  readonly placeholder: string;
  readonly items: readonly I[];
  readonly activeItem?: I;
  readonly canPickMany?: false;
}

export interface MultiPickOptions<I extends vscode.QuickPickItem> {
  readonly placeholder: string;
  readonly items: readonly I[];
  readonly selectedItems: readonly I[];
}

/** Thrown when the user closed the input (Escape). */
class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** Runs the steps; resolves true when every step completed, false when the user cancelled. */
export async function runWizard<T>(title: string, steps: readonly WizardStep<T>[], state: T): Promise<boolean> {
  const history: number[] = [];
  let index = 0;
  while (index < steps.length) {
    const step = steps[index];
    if (step.shouldPrompt && !step.shouldPrompt(state)) {
      index++;
      continue;
    }
    const applicable = steps.filter((candidate) => !candidate.shouldPrompt || candidate.shouldPrompt(state)).length;
    try {
      await step.prompt(state, {
        title,
        step: history.length + 1,
        totalSteps: Math.max(applicable, history.length + 1),
        canGoBack: history.length > 0,
      });
      history.push(index);
      index++;
    } catch (error) {
      if (error instanceof BackPressed) {
        index = history.pop() ?? 0;
        continue;
      }
      if (error instanceof Cancelled) {
        return false;
      }
      throw error;
    }
  }
  return true;
}

export function pickOne<I extends vscode.QuickPickItem>(ui: StepUi, options: PickOptions<I>): Promise<I> {
  const pick = vscode.window.createQuickPick<I>();
  configure(pick, ui);
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  if (options.activeItem) pick.activeItems = [options.activeItem];
  return show<I>(pick, (resolve) => [pick.onDidAccept(() => pick.selectedItems[0] && resolve(pick.selectedItems[0]))]);
}

export function pickMany<I extends vscode.QuickPickItem>(ui: StepUi, options: MultiPickOptions<I>): Promise<readonly I[]> {
  const pick = vscode.window.createQuickPick<I>();
  configure(pick, ui);
  pick.canSelectMany = true;
  pick.placeholder = options.placeholder;
  pick.items = options.items;
  pick.selectedItems = options.selectedItems;
  // An empty selection is an answer too ("none of these"); the step decides what it means.
  return show<readonly I[]>(pick, (resolve) => [pick.onDidAccept(() => resolve(pick.selectedItems))]);
}

export interface TextOptions {
  readonly prompt: string;
  readonly placeholder?: string;
  readonly password?: boolean;
  readonly value?: string;
  readonly validate: (value: string) => vscode.InputBoxValidationMessage | undefined;
}

export function inputText(ui: StepUi, options: TextOptions): Promise<string> {
  const box = vscode.window.createInputBox();
  configure(box, ui);
  box.prompt = options.prompt;
  box.placeholder = options.placeholder;
  box.password = options.password ?? false;
  box.value = options.value ?? '';
  return show<string>(box, (resolve) => [
    box.onDidChangeValue((value) => (box.validationMessage = options.validate(value))),
    box.onDidAccept(() => {
      const message = options.validate(box.value);
      box.validationMessage = message;
      const blocking = message?.severity === vscode.InputBoxValidationSeverity.Error;
      if (!blocking && box.value.trim() !== '') resolve(box.value);
    }),
  ]);
}

function configure(input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox, ui: StepUi): void {
  input.title = ui.title;
  input.step = ui.step;
  input.totalSteps = ui.totalSteps;
  input.buttons = ui.canGoBack ? [vscode.QuickInputButtons.Back] : [];
  // Looking up the connection string in a browser must not throw the answers away.
  input.ignoreFocusOut = true;
}

/** Shows the input until it settles (accepted, Back, or hidden = cancelled), then disposes it. */
function show<R>(
  input: vscode.QuickPick<vscode.QuickPickItem> | vscode.InputBox,
  listen: (resolve: (value: R) => void) => vscode.Disposable[],
): Promise<R> {
  const disposables: vscode.Disposable[] = [];
  return new Promise<R>((resolve, reject) => {
    disposables.push(
      ...listen(resolve),
      input.onDidTriggerButton((button) => button === vscode.QuickInputButtons.Back && reject(new BackPressed())),
      input.onDidHide(() => reject(new Cancelled())),
    );
    input.show();
  }).finally(() => {
    for (const disposable of disposables) disposable.dispose();
    input.dispose();
  });
}
