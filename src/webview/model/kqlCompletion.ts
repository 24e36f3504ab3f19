/**
 * Completion for the query box: the word at the caret, matched by prefix against the tables,
 * the columns of the tables the query names, the operators (after `|`), aggregations, functions
 * and keywords. DOM-free, so it is unit-tested in Node.
 */
import { KQL_AGGREGATIONS, KQL_FUNCTIONS, KQL_KEYWORDS, KQL_OPERATORS, KQL_TABLE_COLUMNS } from '../../shared/kqlVocabulary';

export interface Completion {
  /** Start of the word the suggestions replace (caret is the end). */
  readonly from: number;
  readonly to: number;
  readonly items: readonly CompletionItem[];
}

export interface CompletionItem {
  readonly label: string;
  readonly kind: 'table' | 'column' | 'operator' | 'function' | 'keyword';
  /** Inserted text (functions get their opening parenthesis). */
  readonly insert: string;
}

const TABLES = Object.keys(KQL_TABLE_COLUMNS);
const MAX_ITEMS = 8;

export function completeAt(text: string, caret: number): Completion | undefined {
  const before = text.slice(0, caret);
  const word = /[A-Za-z_$][\w-]*$/.exec(before)?.[0] ?? '';
  if (word === '') return undefined;
  const from = caret - word.length;
  const preceding = before.slice(0, from).trimEnd();
  const lower = word.toLowerCase();
  const items: CompletionItem[] = [];
  const add = (labels: readonly string[], kind: CompletionItem['kind'], insert = (label: string) => label): void => {
    for (const label of labels) {
      if (label.toLowerCase().startsWith(lower) && label !== word && !items.some((item) => item.label === label))
        items.push({ label, kind, insert: insert(label) });
    }
  };
  if (preceding.endsWith('|')) {
    add(KQL_OPERATORS, 'operator');
  } else if (preceding === '' || /(\bunion|\bjoin[^(]*\(|\(|,|\bin\s*\()$/.test(preceding)) {
    add(TABLES, 'table');
    if (preceding === '') add(['union', 'search'], 'keyword');
  } else {
    add(columnsOf(text), 'column');
    add(KQL_AGGREGATIONS, 'function', (label) => `${label}(`);
    add(KQL_FUNCTIONS, 'function', (label) => `${label}(`);
    add(KQL_KEYWORDS, 'keyword');
    add(TABLES, 'table');
  }
  return items.length === 0 ? undefined : { from, to: caret, items: items.slice(0, MAX_ITEMS) };
}

/** Columns of the tables the query mentions (all tables when it names none). */
function columnsOf(text: string): string[] {
  const named = TABLES.filter((table) => new RegExp(`\\b${table}\\b`).test(text));
  const columns = new Set<string>();
  for (const table of named.length > 0 ? named : TABLES) for (const column of KQL_TABLE_COLUMNS[table]!) columns.add(column);
  return [...columns];
}
