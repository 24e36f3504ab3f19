/**
 * The standard metrics OpenCensus' metrics exporter sends by default (`enable_standard_metrics`):
 * performance-counter names such as `\Processor(_Total)\% Processor Time`.
 * The panel lists the user's own metrics first and groups these under "Standard performance counters".
 * Shared so the webview and the unit tests use one definition.
 */

/** `\Category(Instance)\Counter` or `\Category\Counter`: the Windows performance-counter path form. */
const COUNTER_PATH = /^\\[^\\]+\\[^\\]+$/;

export function isStandardPerformanceCounter(name: string): boolean {
  return COUNTER_PATH.test(name);
}

/** Sorts metric names: the user's own first, then performance counters; by name within each. */
export function compareMetricNames(a: string, b: string): number {
  const counterA = isStandardPerformanceCounter(a);
  const counterB = isStandardPerformanceCounter(b);
  if (counterA !== counterB) return counterA ? 1 : -1;
  return a.localeCompare(b);
}
