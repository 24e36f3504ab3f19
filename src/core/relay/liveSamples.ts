/**
 * The Live Metrics (QuickPulse) samples SDKs posted: a buffer bounded by count and by approximate
 * bytes (names are already cut to 1,024 characters by the parser) that the panel reads, plus a
 * subscription that hears each post as it arrives. Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../../shared/lifecycle';
import { FIELD_OVERHEAD_BYTES } from '../store/fieldLimits';
import { RingBuffer } from '../store/ringBuffer';

export interface LiveMetric {
  readonly name: string;
  readonly value: number;
  readonly weight?: number;
}

/** One MonitoringDataPoint: the metrics of one SDK instance at one moment. */
export interface LiveSample {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly role?: string;
  readonly instance?: string;
  readonly metrics: readonly LiveMetric[];
}

export type LiveSampleListener = (added: readonly LiveSample[]) => void;

/** One post per second per SDK instance: an hour of one instance, or ten minutes of six. */
export const DEFAULT_LIVE_SAMPLE_CAPACITY = 3600;
/** A typical sample (a dozen standard metrics) takes about 2 KiB: 32 MiB is far above an hour's worth. */
export const DEFAULT_LIVE_SAMPLE_MAX_BYTES = 32 * 1024 * 1024;

interface HeldSample {
  readonly sample: LiveSample;
  readonly bytes: number;
}

export class LiveSamples {
  private readonly buffer: RingBuffer<HeldSample>;
  private readonly listeners = new Set<LiveSampleListener>();
  private heldBytes = 0;

  constructor(
    capacity = DEFAULT_LIVE_SAMPLE_CAPACITY,
    private readonly maxBytes = DEFAULT_LIVE_SAMPLE_MAX_BYTES,
  ) {
    this.buffer = new RingBuffer(capacity);
  }

  get size(): number {
    return this.buffer.size;
  }

  /** Approximate bytes the samples held take. */
  get bytes(): number {
    return this.heldBytes;
  }

  add(samples: readonly LiveSample[]): void {
    if (samples.length === 0) {
      return;
    }
    for (const sample of samples) {
      const held = { sample, bytes: sampleBytes(sample) };
      this.heldBytes += held.bytes;
      const evicted = this.buffer.push(held);
      if (evicted) this.heldBytes -= evicted.bytes;
      // Past the budget the oldest go; the newest always stays.
      while (this.heldBytes > this.maxBytes && this.buffer.size > 1) {
        this.heldBytes -= this.buffer.shift()!.bytes;
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(samples);
      } catch {
        // One failing listener must not stop the others or the relay.
      }
    }
  }

  /** Oldest first. */
  snapshot(): LiveSample[] {
    return this.buffer.toArray().map((held) => held.sample);
  }

  clear(): void {
    this.buffer.clear();
    this.heldBytes = 0;
  }

  subscribe(listener: LiveSampleListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** Object costs plus UTF-16 text: an estimate, not a measurement. */
function sampleBytes(sample: LiveSample): number {
  let bytes = 200 + 2 * ((sample.role?.length ?? 0) + (sample.instance?.length ?? 0));
  for (const metric of sample.metrics) bytes += FIELD_OVERHEAD_BYTES + 32 + 2 * metric.name.length;
  return bytes;
}
