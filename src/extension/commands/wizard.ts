/**
 * One multi-step quick input with a step counter and Back, instead of separate quick picks that forget each other:
 * each step is a quick pick whose items carry their value; Back returns to the previous step with its choice kept.
 */
import * as vscode from 'vscode';

export interface WizardItem<T> extends vscode.QuickPickItem {
  value: T;
}

export interface WizardStep<S> {
  title: string;
  placeholder: string;
  /** The choices, given what was chosen so far. */
  items(state: S): Array<WizardItem<unknown>> | Promise<Array<WizardItem<unknown>>>;
  /** Stores the picked value; may ask more (a file dialog) and return false to stay on this step. */
  apply(state: S, value: unknown): boolean | Promise<boolean>;
  /** Which item is active when the step opens (e.g. the current setting). */
  active?(state: S): unknown;
  /** A step that does not apply to the choices so far (layer pairs, unless layers are picked): not shown or counted. */
  skip?(state: S): boolean;
}

/** Runs the steps in order; undefined when the user cancels (Escape, or Back on the first step closes nothing). */
export async function runWizard<S>(title: string, steps: Array<WizardStep<S>>, state: S): Promise<S | undefined> {
  const shown = (j: number) => !steps[j].skip?.(state);
  let i = 0;
  while (i < steps.length) {
    if (!shown(i)) {
      i++;
      continue;
    }
    const step = steps[i];
    // The counter counts the steps that apply to the choices so far.
    const visible = steps.filter((_, j) => shown(j));
    const picked = await pickStep(title, step, state, visible.indexOf(step), visible.length);
    if (picked === 'cancel') return undefined;
    if (picked === 'back') {
      let back = i - 1;
      while (back > 0 && !shown(back)) back--;
      i = Math.max(0, back);
      continue;
    }
    if (await step.apply(state, picked.value)) i++;
  }
  return state;
}

async function pickStep<S>(
  title: string,
  step: WizardStep<S>,
  state: S,
  index: number,
  total: number,
): Promise<WizardItem<unknown> | 'back' | 'cancel'> {
  const qp = vscode.window.createQuickPick<WizardItem<unknown>>();
  qp.title = `${title}: ${step.title}`;
  qp.step = index + 1;
  qp.totalSteps = total;
  qp.placeholder = step.placeholder;
  qp.ignoreFocusOut = true;
  qp.buttons = index > 0 ? [vscode.QuickInputButtons.Back] : [];
  qp.busy = true;
  qp.show();
  qp.items = await step.items(state);
  qp.busy = false;
  const active = step.active?.(state);
  // Values may be equal without being the same object (a URI from the Explorer and the index's): compare as text.
  const current = qp.items.find(
    (it) => it.value === active || (active !== undefined && String(it.value) === String(active)),
  );
  if (current) qp.activeItems = [current];
  try {
    return await new Promise((resolve) => {
      qp.onDidTriggerButton((b) => b === vscode.QuickInputButtons.Back && resolve('back'));
      qp.onDidAccept(() => qp.selectedItems[0] && resolve(qp.selectedItems[0]));
      qp.onDidHide(() => resolve('cancel'));
    });
  } finally {
    qp.dispose();
  }
}
