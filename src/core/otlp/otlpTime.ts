/**
 * OTLP nanosecond timestamps (decimal strings of fixed64) → Breeze times and durations.
 * BigInt keeps the nanoseconds exact: a double cannot hold them. Plain Node: never import `vscode` here.
 */

const NS_PER_MS = 1_000_000n;

export function nanosOf(text: string | undefined): bigint {
  if (!text) {
    return 0n;
  }
  try {
    return BigInt(text);
  } catch {
    return 0n;
  }
}

/** UTC ISO 8601 with microseconds, like the Python exporter writes (`2026-11-24T17:39:01.976513Z`). */
export function nanosToIso(nanos: bigint, fallbackMs = Date.now()): string {
  if (nanos <= 0n) {
    return new Date(fallbackMs).toISOString();
  }
  const ms = nanos / NS_PER_MS;
  const micros = (nanos % NS_PER_MS) / 1000n;
  const iso = new Date(Number(ms)).toISOString();
  return `${iso.slice(0, -1)}${micros.toString().padStart(3, '0')}Z`;
}

/** `D.HH:MM:SS.mmm`, rounded to the millisecond, as the Python exporter's `ns_to_duration`. */
export function nanosToDuration(nanos: bigint): string {
  let ms = nanos > 0n ? (nanos + 500_000n) / NS_PER_MS : 0n;
  const milliseconds = ms % 1000n;
  ms /= 1000n;
  const seconds = ms % 60n;
  ms /= 60n;
  const minutes = ms % 60n;
  ms /= 60n;
  const hours = ms % 24n;
  const days = ms / 24n;
  return `${days}.${two(hours)}:${two(minutes)}:${two(seconds)}.${milliseconds.toString().padStart(3, '0')}`;
}

function two(value: bigint): string {
  return value.toString().padStart(2, '0');
}
