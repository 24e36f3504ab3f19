/** Filter controls built from @vscode-elements components (text search, single select). */
import { h } from './dom';

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export interface SelectControl {
  readonly element: HTMLElement;
  /** Replaces the options, keeping the current value when it is still offered. */
  setOptions(options: readonly SelectOption[]): void;
  /** Selects a value without firing the change callback. */
  setValue(value: string): void;
  readonly value: string;
}

export function selectControl(
  label: string,
  options: readonly SelectOption[],
  value: string,
  onChange: (value: string) => void,
): SelectControl {
  const select = h('vscode-single-select', { 'aria-label': label, title: label, class: 'filter-select' });
  let current = value;
  let offered: readonly SelectOption[] = [];
  const setOptions = (next: readonly SelectOption[]): void => {
    if (
      next.length === offered.length &&
      next.every((option, index) => option.value === offered[index]!.value && option.label === offered[index]!.label)
    )
      return;
    offered = next;
    if (!next.some((option) => option.value === current)) current = next[0]?.value ?? '';
    select.replaceChildren(
      ...next.map((option) => h('vscode-option', { value: option.value, selected: option.value === current }, option.label)),
    );
    select.value = current;
  };
  setOptions(options);
  select.addEventListener('change', () => {
    current = select.value;
    onChange(current);
  });
  return {
    element: select,
    setOptions,
    setValue(value: string) {
      current = value;
      select.value = value;
    },
    get value() {
      return current;
    },
  };
}

export function searchField(label: string, value: string, onInput: (value: string) => void): HTMLElement {
  const field = h(
    'vscode-textfield',
    { placeholder: label, 'aria-label': label, class: 'search-field', type: 'search' },
    h('vscode-icon', { name: 'search', slot: 'content-before' }),
  );
  field.value = value;
  let timer: ReturnType<typeof setTimeout> | undefined;
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => onInput(field.value), 120);
  });
  return field;
}
