/**
 * Parts the Performance and Failures views share: their filter selects, the "keep the selected group
 * or take the first" rule, and the sample rows that open a transaction. Kept in one place so the two
 * portal-like views look and behave the same.
 */
import type { PanelItem } from '../../shared/messages';
import type { WebviewString } from '../../shared/webviewStrings';
import { type SelectControl, selectControl } from '../controls';
import { h, icon, telemetryText } from '../dom';
import { formatDuration, formatTime } from '../format';
import { t } from '../l10n';
import { durationOf } from '../model/performance';
import type { ViewContext } from './viewContext';

/** A select over a fixed list of values, labelled in the panel's language, with a class for tests and CSS. */
export function choiceSelect<Value extends string>(
  label: WebviewString,
  values: readonly Value[],
  labels: Record<Value, WebviewString>,
  value: Value,
  className: string,
  onChange: (value: Value) => void,
): SelectControl {
  const control = selectControl(
    t(label),
    values.map((option) => ({ value: option, label: t(labels[option]) })),
    value,
    (chosen) => onChange(chosen as Value),
  );
  control.element.classList.add(className);
  return control;
}

/** The group to show after the list changed: the selected one while it is still listed, else the first. */
export function keptSelection(groups: readonly { key: string }[], selectedKey: string | undefined): string | undefined {
  if (selectedKey !== undefined && groups.some((group) => group.key === selectedKey)) return selectedKey;
  return groups[0]?.key;
}

/** One sample: status, time, a short text and the duration; click or Enter opens its transaction. */
export function sampleRow(context: ViewContext, item: PanelItem, failed: boolean, text: string): HTMLElement {
  const operationId = item.operationId;
  const open = (): void => {
    if (typeof operationId === 'string' && operationId !== '') context.navigate('transactions', { operationId });
  };
  return h(
    'div',
    {
      class: ['sample-row', failed ? 'failed' : ''],
      role: 'listitem',
      tabindex: '0',
      title: t('Open this transaction'),
      on: {
        click: open,
        keydown: (event) => {
          if ((event as KeyboardEvent).key === 'Enter') open();
        },
      },
    },
    h('span', { class: ['status-icon', failed ? 'failed' : 'ok'] }, icon(failed ? 'error' : 'pass', failed ? t('Failed') : t('Succeeded'))),
    h('span', { class: 'cell-time' }, formatTime(item.time)),
    h('span', { class: 'cell-name' }, telemetryText(text)),
    h('span', { class: 'cell-duration numeric' }, formatDuration(durationOf(item))),
  );
}
