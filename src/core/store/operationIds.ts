/**
 * Operation (trace) and parent ids. SDKs write them in three forms:
 * - W3C: 32-hex trace id as `ai.operation.id`, 16-hex span id as parent and item id (OTel, OpenCensus spans);
 * - legacy hierarchical Request-Id: `|<root>.<span>.` as parent (OpenCensus logs, classic SDKs);
 * - all zeros when there was no active span (OpenCensus logs outside a span).
 * We bring them to the W3C form so logs correlate with the spans they were written in.
 * Plain Node: never import `vscode` here.
 */

const ALL_ZEROS = /^0+$/;

/** The operation id, or undefined when absent or all zeros ("no operation"). */
export function normaliseOperationId(value: string | undefined): string | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  // A legacy Request-Id may appear here too: its root is the operation id.
  const id = trimmed.startsWith('|') ? legacyParts(trimmed).root : trimmed;
  return id && !ALL_ZEROS.test(id) ? id : undefined;
}

export interface NormalisedParent {
  readonly parentId?: string;
  /** The root of a legacy id, usable as the operation id when the item has none. */
  readonly operationId?: string;
}

/**
 * `|traceId.spanId.` → parent `spanId`, operation `traceId`; `|traceId.` → parent is the operation
 * root itself; W3C ids are kept as they are. All-zero parts mean "none".
 */
export function normaliseParentId(value: string | undefined): NormalisedParent {
  if (!value) {
    return {};
  }
  const trimmed = value.trim();
  if (!trimmed.startsWith('|')) {
    return trimmed === '' || ALL_ZEROS.test(trimmed) ? {} : { parentId: trimmed };
  }
  const { root, leaf } = legacyParts(trimmed);
  const operationId = root && !ALL_ZEROS.test(root) ? root : undefined;
  if (operationId === undefined) {
    return {};
  }
  if (leaf !== undefined) {
    return ALL_ZEROS.test(leaf) ? { operationId } : { parentId: leaf, operationId };
  }
  return { parentId: operationId, operationId };
}

/** `|root.a.b.` → root `root`, leaf `b` (the most specific span); `|root.` → no leaf. */
function legacyParts(text: string): { root?: string; leaf?: string } {
  const parts = text
    .replace(/^\|/, '')
    .split('.')
    .filter((part) => part !== '');
  if (parts.length === 0) {
    return {};
  }
  // `|root.1.2_` style suffixes (classic .NET) end with `_`/`#`: keep the text before them.
  const leaf = parts.length > 1 ? parts[parts.length - 1].replace(/[_#].*$/, '') : undefined;
  return { root: parts[0], leaf: leaf === '' ? undefined : leaf };
}
