/**
 * Per-field limits of the items the store keeps, matching what Azure Monitor keeps: the service
 * truncates longer values (the swagger's `maxLength` of each field, and the documented limits:
 * property names 150, property values 8,192, trace and exception messages 32,768), so what the
 * panel shows is what the portal will show. Counts Azure does not document (it refuses items over
 * 64 kB as a whole instead) are the relay's own bounds, so one item cannot hold unbounded memory.
 * The forwarded bytes are not truncated: Azure does that itself. Plain Node: never import `vscode` here.
 */

export const FIELD_LIMITS = {
  /** Request, dependency, page view, availability and metric names; result codes, types, targets. */
  name: 1024,
  /** `EventData.name`. */
  eventName: 512,
  /** Request, dependency, page view ids. */
  id: 512,
  url: 2048,
  /** `RemoteDependencyData.data` (SQL text or the full URL). */
  data: 8192,
  message: 32_768,
  /** `ExceptionDetails.stack`. */
  stack: 32_768,
  /** `DataPoint.ns`. */
  metricNamespace: 256,
  propertyName: 150,
  propertyValue: 8192,
  /** Context tags (role, operation id and name, SDK version…): the swagger's longest tag limit. */
  tag: 1024,
} as const;

/** The relay's own bounds (Azure documents none; its 64 kB per item bounds them there). */
export const COUNT_LIMITS = {
  properties: 1000,
  measurements: 1000,
  exceptions: 100,
  stackFrames: 1000,
  metrics: 100,
} as const;

import type { TruncatedField } from '../../shared/telemetryItem';

export type { TruncatedField } from '../../shared/telemetryItem';

/** Collects what one item lost, and the approximate bytes it holds, while it is normalised. */
export class ItemBudget {
  truncated: TruncatedField[] | undefined;
  /** UTF-16 bytes of the kept text plus a fixed cost per field: an estimate, not a measurement. */
  bytes = ITEM_OVERHEAD_BYTES;

  /** The value within `limit` characters, marked under `field` when cut; counted either way. */
  text(value: string, limit: number, field: string): string {
    if (value.length <= limit) {
      this.bytes += FIELD_OVERHEAD_BYTES + 2 * value.length;
      return value;
    }
    this.mark(field, limit);
    const cut = truncate(value, limit);
    this.bytes += FIELD_OVERHEAD_BYTES + 2 * cut.length;
    return cut;
  }

  mark(field: string, limit: number, entries?: true): void {
    this.truncated ??= [];
    if (!this.truncated.some((known) => known.field === field && known.entries === entries)) {
      this.truncated.push(entries ? { field, limit, entries } : { field, limit });
    }
  }
}

/** Object header, hidden class slots, seq/time numbers: a flat cost per item. */
export const ITEM_OVERHEAD_BYTES = 400;
/** A string header and its slot in the object (or a dictionary entry). */
export const FIELD_OVERHEAD_BYTES = 48;

/**
 * The first `limit` UTF-16 units (one fewer when the cut would split a surrogate pair), as a new
 * string: V8's `slice` keeps a reference to the whole original, so a 5 MB value cut to 1,024
 * characters would still hold 5 MB; a JSON round trip copies the characters out.
 */
export function truncate(value: string, limit: number): string {
  let end = limit;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return JSON.parse(JSON.stringify(value.slice(0, end))) as string;
}
