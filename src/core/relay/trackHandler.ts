/**
 * `POST …/v2(.1)/track`: parse, validate (all or nothing), hand the batch to the sink, and answer
 * 200 only once the sink has it durably — the SDK forgets a batch as soon as it sees 200. A full
 * queue answers 503 + Retry-After so the SDK keeps the batch and retries: never a 206 with
 * retryable items, which real SDKs lose. The one partial answer: items nested too deep to ever be
 * serialised again are refused by index as non-retryable 400 inside a 206 (what Breeze answers for
 * a partly bad batch; every SDK drops those items and keeps the accepted ones acknowledged), and
 * the request gets 400 when no item is left. Plain Node: never import `vscode` here.
 */
import type { ServerResponse } from 'http';
import type { Envelope, TrackError } from '../envelope';
import type { ReceivedBody } from '../sink';
import { acceptDurably, showInStore } from './durableAccept';
import { parseTelemetryBody } from './parseBody';
import { rejection } from './rejection';
import { refuse, RelayContext } from './relayContext';
import { sendJson, trackResponse } from './responses';
import { validateEnvelopes } from './validateEnvelopes';

/** `gzipped`: the body as received, when it came gzip-encoded. */
export async function handleTrack(
  context: RelayContext,
  body: Buffer,
  response: ServerResponse,
  path: string,
  gzipped?: Buffer,
): Promise<void> {
  context.counters.trackRequests++;
  const parsed = parseTelemetryBody(body, context.limits.maxItemDepth);
  if (!parsed.ok) {
    refuse(context, response, rejection(400, 'malformed', parsed.message), { path });
    return;
  }
  const received = parsed.items.length;
  context.counters.itemsReceived += received;
  const max = context.limits.maxItemsPerRequest;
  if (received > max) {
    const message = `The request has ${received} items; the limit is ${max} per request. Send smaller batches.`;
    context.counters.reject('too-many-items', received);
    context.log('warn', `Refused ${path} with 400 (too-many-items): ${message}`);
    sendJson(response, 400, trackResponse(received, 0, [{ index: max, statusCode: 400, message }]));
    return;
  }
  const tooDeep = parsed.tooDeep ?? [];
  const deepErrors: TrackError[] = tooDeep.map(({ index, depth }) => ({
    index,
    statusCode: 400,
    message: `Item ${index} nests ${depth} levels deep; the limit is ${context.limits.maxItemDepth}. It was not accepted.`,
  }));
  if (tooDeep.length === received && received > 0) {
    context.counters.reject('too-deep', received);
    context.log(
      'warn',
      `Refused ${path} with 400 (too-deep): all ${received} items nest deeper than ${context.limits.maxItemDepth} levels; first: item ${tooDeep[0].index}.`,
    );
    sendJson(response, 400, trackResponse(received, 0, deepErrors));
    return;
  }
  // Validated without the deep items; error indices stay those of the request.
  const kept = tooDeep.length === 0 ? parsed.items : parsed.items.filter((item) => item !== undefined);
  const validation = validateEnvelopes(kept, { localKey: context.localKey, keyMatch: (key) => context.keys.match(key) });
  if (!validation.ok) {
    const reason = validation.statusCode === 403 ? 'key' : 'invalid';
    if (reason === 'key') context.onKeyUse?.({ outcome: 'refused', path });
    context.counters.reject(reason, received);
    const errors =
      tooDeep.length === 0
        ? validation.errors
        : validation.errors.map((error) => ({ ...error, index: requestIndex(error.index, tooDeep) }));
    const first = errors[0];
    context.log(
      'warn',
      `Refused ${path} with ${validation.statusCode} (${reason}): ${errors.length} of ${received} items invalid; item ${first.index}: ${first.message}`,
    );
    sendJson(response, validation.statusCode, trackResponse(received, 0, errors));
    return;
  }
  const envelopes: Envelope[] = validation.envelopes;
  if (validation.previousKeyItems) context.onKeyUse?.({ outcome: 'previous', path });
  // The body as received can be kept only when every item of it was accepted (and under the current key).
  const asReceived =
    parsed.format === 'array' && tooDeep.length === 0 && !validation.previousKeyItems ? receivedBody(body, gzipped) : undefined;
  const refused = await acceptDurably(context, envelopes, asReceived);
  if (refused) {
    refuse(context, response, refused.rejection, { items: received, path, headers: refused.headers });
    return;
  }
  context.counters.itemsAccepted += envelopes.length;
  showInStore(context, envelopes, asReceived?.text);
  if (tooDeep.length > 0) {
    context.counters.reject('too-deep', tooDeep.length);
    context.log(
      'warn',
      `Accepted ${path} partially (206): ${tooDeep.length} of ${received} items nest deeper than ${context.limits.maxItemDepth} levels and were refused; first: item ${tooDeep[0].index}.`,
    );
    sendJson(response, 206, trackResponse(received, envelopes.length, deepErrors));
    return;
  }
  sendJson(response, 200, trackResponse(received, envelopes.length));
}

/** The request index of the `keptIndex`-th item left after the deep ones (sorted by index) were taken out. */
function requestIndex(keptIndex: number, tooDeep: readonly { index: number }[]): number {
  let index = keptIndex;
  for (const deep of tooDeep) {
    if (deep.index <= index) index++;
    else break;
  }
  return index;
}

/** The JSON array's bytes without a UTF-8 byte order mark (parseTelemetryBody skips it too); the gzip form only if it is exactly those bytes. */
function receivedBody(body: Buffer, gzipped: Buffer | undefined): ReceivedBody {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? { text: body.subarray(3) } : { text: body, gzip: gzipped };
}
