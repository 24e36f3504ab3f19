/**
 * The parts every converted envelope shares: name, time, the relay's local key as iKey (the
 * forwarder rewrites it, as for Breeze traffic), ver and sampleRate. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';

export type ItemType = 'Request' | 'RemoteDependency' | 'Exception' | 'Message' | 'Event' | 'Metric';

export function makeEnvelope(
  type: ItemType,
  time: string,
  iKey: string,
  tags: Record<string, string>,
  baseType: string,
  baseData: Record<string, unknown>,
  sampleRate = 100,
): Envelope {
  return {
    ver: 1,
    name: `Microsoft.ApplicationInsights.${type}`,
    time,
    sampleRate,
    iKey,
    tags,
    data: { baseType, baseData: { ver: 2, ...baseData } },
  };
}

/** Zero ids mean "none" in OTLP. */
export function isRealId(hex: string | undefined): hex is string {
  return typeof hex === 'string' && hex !== '' && !/^0+$/.test(hex);
}
