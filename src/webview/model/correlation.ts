/**
 * Correlation ids as the SDKs send them. OTel uses plain hex span ids; OpenCensus logs use the
 * legacy hierarchical Request-Id `|traceId.spanId.` as parent id; loggers without a span send an
 * all-zero operation id. Normalising here lets logs join the span they were written in.
 */
import type { PanelItem, TableName } from '../../shared/messages';
import { t } from '../l10n';

const HIERARCHICAL_ID = /^\|?([0-9a-fA-F-]+)\.([0-9a-zA-Z-]+)\.?$/;
const ALL_ZEROS = /^0+$/;

/** The span id inside an id or parent id, in lower case; undefined for empty or all-zero ids. */
export function spanKey(id: string | undefined): string | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  const match = HIERARCHICAL_ID.exec(id);
  const key = (match ? match[2]! : id.replace(/^\|/, '').replace(/\.$/, '')).toLowerCase();
  return ALL_ZEROS.test(key) ? undefined : key;
}

/** The operation id, or undefined when it is missing or all zeros. */
export function operationKey(item: PanelItem): string | undefined {
  const id = item.operationId;
  if (typeof id !== 'string' || id === '' || ALL_ZEROS.test(id)) return undefined;
  return id;
}

/** Tables drawn as bars in a waterfall (they have a start and a duration). */
export function isSpanTable(table: TableName): boolean {
  return table === 'requests' || table === 'dependencies' || table === 'pageViews' || table === 'availabilityResults';
}

/** Tables shown in the Logs view. */
export function isLogTable(table: TableName): boolean {
  return table === 'traces' || table === 'exceptions' || table === 'customEvents';
}

/** Exceptions have no severity on the wire in some SDKs: treat them as Error; events as Information. */
export function effectiveSeverity(item: PanelItem): number {
  if (typeof item.severity === 'number') return item.severity;
  return item.table === 'exceptions' ? 3 : 1;
}

/** Failed span, or an exception. */
export function isFailure(item: PanelItem): boolean {
  return item.table === 'exceptions' || (isSpanTable(item.table) && item.success === false);
}

/** One line that names the item: span name, log message, or exception type and message. */
export function itemTitle(item: PanelItem): string {
  if (item.table === 'exceptions') {
    const first = item.exceptions?.[0];
    const parts = [first?.typeName, first?.message ?? item.message].filter(
      (part): part is string => typeof part === 'string' && part !== '',
    );
    return parts.join(': ') || t('Exception');
  }
  if (item.table === 'traces') return stringOr(item.message, '');
  return stringOr(item.name, stringOr(item.message, ''));
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}
