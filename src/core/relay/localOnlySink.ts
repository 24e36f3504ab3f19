/**
 * A sink for when nothing is forwarded: the store is the only destination, so acceptance is
 * immediate. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import type { EnvelopeSink } from '../sink';

export class LocalOnlySink implements EnvelopeSink {
  accepted = 0;

  accept(envelopes: readonly Envelope[]): Promise<void> {
    this.accepted += envelopes.length;
    return Promise.resolve();
  }
}
