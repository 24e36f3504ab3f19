/**
 * The Live Metrics (QuickPulse) samples SDKs posted: a bounded buffer the panel reads, plus a
 * subscription that hears each post as it arrives. Plain Node: never import `vscode` here.
 */
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

export class LiveSamples {
  private readonly buffer: RingBuffer<LiveSample>;
  private readonly listeners = new Set<LiveSampleListener>();

  constructor(capacity = DEFAULT_LIVE_SAMPLE_CAPACITY) {
    this.buffer = new RingBuffer(capacity);
  }

  get size(): number {
    return this.buffer.size;
  }

  add(samples: readonly LiveSample[]): void {
    if (samples.length === 0) {
      return;
    }
    for (const sample of samples) {
      this.buffer.push(sample);
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
    return this.buffer.toArray();
  }

  clear(): void {
    this.buffer.clear();
  }

  subscribe(listener: LiveSampleListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
