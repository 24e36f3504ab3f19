/**
 * Does the app sample, and how much of its traffic does the panel see (issue 19)? Each kept item
 * carries the sampler's percentage (`sampleRate`; it stands for 100/sampleRate items, the portal's
 * `itemCount`). A fixed-percentage sampler (OpenCensus, the exporters, the distro's
 * `sampling_ratio`) gives every item the same rate; the distro's rate-limited sampler (default 5
 * traces/s since azure-monitor-opentelemetry 1.8.6) adapts the rate to the traffic, so rates vary
 * and the kept requests per second show its limit. DOM-free, unit-tested in Node.
 */
import type { PanelItem } from '../../shared/messages';

export interface SamplingSummary {
  /** Requests the panel holds whose sampleRate is below 100. */
  readonly keptRequests: number;
  /** The requests they stand for (Σ 100/sampleRate), rounded. */
  readonly representedRequests: number;
  /** Every sampled item had this rate: a fixed-percentage sampler. */
  readonly fixedPercent?: number;
  /** Rates vary (a rate-limited sampler): kept requests per second over the time they span. */
  readonly keptPerSecond?: number;
}

/** The percentage an item was kept with, when the SDK sampled (below 100), else undefined. */
export function sampledRate(item: PanelItem): number | undefined {
  const rate = item.sampleRate;
  return typeof rate === 'number' && Number.isFinite(rate) && rate > 0 && rate < 100 ? rate : undefined;
}

/** How many items this one stands for (the portal's itemCount). */
export function itemCountOf(item: PanelItem): number {
  const rate = sampledRate(item);
  return rate === undefined ? 1 : Math.round(100 / rate);
}

/** Undefined when no request held was sampled. */
export function samplingSummary(requests: Iterable<PanelItem>): SamplingSummary | undefined {
  let kept = 0;
  let represented = 0;
  let firstRate: number | undefined;
  let sameRate = true;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const item of requests) {
    if (item.table !== 'requests') continue;
    const rate = sampledRate(item);
    if (rate === undefined) continue;
    kept++;
    represented += 100 / rate;
    if (firstRate === undefined) firstRate = rate;
    else if (Math.abs(rate - firstRate) > 1e-9) sameRate = false;
    if (item.time < first) first = item.time;
    if (item.time > last) last = item.time;
  }
  if (kept === 0) return undefined;
  const summary = { keptRequests: kept, representedRequests: Math.max(kept, Math.round(represented)) };
  if (sameRate) return { ...summary, fixedPercent: firstRate };
  const seconds = (last - first) / 1000;
  return seconds >= 1 ? { ...summary, keptPerSecond: kept / seconds } : summary;
}
