/**
 * A request refused as a whole for its data (400, 413) may hold other apps' good items: it is
 * split and resent, so that only what the service refuses alone is dropped. Pure functions over
 * the items of the request. Plain Node: never import `vscode` here.
 */

/** True when a TrackResponse body names each of the request's items (indexes 0…n−1) with an error. */
export function namesEveryItem(body: string, items: number): boolean {
  try {
    const errors = (JSON.parse(body) as { errors?: { index?: unknown }[] }).errors;
    if (!Array.isArray(errors)) return false;
    const named = new Set(
      errors
        .map((error) => error?.index)
        .filter((index): index is number => Number.isInteger(index) && (index as number) >= 0 && (index as number) < items),
    );
    return named.size === items;
  } catch {
    return false;
  }
}

/**
 * The parts to resend, or undefined to drop the request. When the answer named every item (the
 * service's own per-item verdict), it is split only between accepted batches (one app's request
 * each, told apart by `batchOf`); a single batch is then dropped as the service said.
 */
export function partsToIsolate<T>(
  items: readonly T[],
  status: number,
  body: string,
  batchOf: (item: T) => unknown,
): (readonly T[])[] | undefined {
  if ((status !== 400 && status !== 413) || items.length < 2) return undefined;
  if (!namesEveryItem(body, items.length)) {
    const half = Math.ceil(items.length / 2);
    return [items.slice(0, half), items.slice(half)];
  }
  const batches: T[][] = [];
  let last: unknown;
  for (const item of items) {
    const batch = batchOf(item);
    if (batches.length === 0 || batch !== last) batches.push([]);
    batches[batches.length - 1].push(item);
    last = batch;
  }
  if (batches.length < 2) return undefined;
  const half = Math.ceil(batches.length / 2);
  return [batches.slice(0, half).flat(), batches.slice(half).flat()];
}
