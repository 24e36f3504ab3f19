/** Text forms of a result for the CLI: JSON lines, an aligned table, CSV (RFC 4180). Pure. */
import type { Cell, QueryResult } from './types';

export type ResultFormat = 'json' | 'table' | 'csv';

function cellText(cell: Cell): string {
  if (cell === null) return '';
  return typeof cell === 'object' ? JSON.stringify(cell) : String(cell);
}

/** One JSON object per row, keyed by column name. */
export function toJsonLines(result: QueryResult): string {
  return (
    result.rows
      .map((row) => JSON.stringify(Object.fromEntries(result.columns.map((column, index) => [column.name, row[index]]))))
      .join('\n') + (result.rows.length > 0 ? '\n' : '')
  );
}

export function toCsv(result: QueryResult): string {
  const quote = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [
    result.columns.map((column) => quote(column.name)).join(','),
    ...result.rows.map((row) => row.map((cell) => quote(cellText(cell))).join(',')),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

/** Columns padded to their widest cell (each cell cut at 80 characters, control characters shown as spaces). */
export function toTable(result: QueryResult): string {
  const clean = (text: string): string => {
    // eslint-disable-next-line no-control-regex
    const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ');
    return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
  };
  const header = result.columns.map((column) => clean(column.name));
  const body = result.rows.map((row) => row.map((cell) => clean(cellText(cell))));
  const widths = header.map((name, index) => Math.max(name.length, ...body.map((row) => row[index].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => cell.padEnd(widths[index]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n') + '\n';
}

export function formatResult(result: QueryResult, format: ResultFormat): string {
  return format === 'csv' ? toCsv(result) : format === 'table' ? toTable(result) : toJsonLines(result);
}
