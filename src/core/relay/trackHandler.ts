/**
 * `POST …/v2(.1)/track`: parse, validate (all or nothing), hand the batch to the sink, and answer
 * 200 only once the sink has it durably — the SDK forgets a batch as soon as it sees 200. A full
 * queue answers 503 + Retry-After so the SDK keeps the batch and retries. Never 206: real SDKs lose
 * data on partial answers. Plain Node: never import `vscode` here.
 */
import type { ServerResponse } from 'http';
import type { ReceivedBody } from '../sink';
import { acceptDurably, showInStore } from './durableAccept';
import { parseTelemetryBody } from './parseBody';
import { rejection } from './rejection';
import { refuse, RelayContext } from './relayContext';
import { sendJson, trackResponse } from './responses';
import { validateEnvelopes } from './validateEnvelopes';

/** `gzipped`: the body as received, when it came gzip-encoded. */
export async function handleTrack(context: RelayContext, body: Buffer, response: ServerResponse, path: string, gzipped?: Buffer): Promise<void> {
  context.counters.trackRequests++;
  const parsed = parseTelemetryBody(body);
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
  const validation = validateEnvelopes(parsed.items, { localKey: context.localKey });
  if (!validation.ok) {
    const reason = validation.statusCode === 403 ? 'key' : 'invalid';
    context.counters.reject(reason, received);
    const first = validation.errors[0];
    context.log('warn', `Refused ${path} with ${validation.statusCode} (${reason}): ${validation.errors.length} of ${received} items invalid; item ${first.index}: ${first.message}`);
    sendJson(response, validation.statusCode, trackResponse(received, 0, validation.errors));
    return;
  }
  const envelopes = validation.envelopes;
  const refused = await acceptDurably(context, envelopes, parsed.format === 'array' ? receivedBody(body, gzipped) : undefined);
  if (refused) {
    refuse(context, response, refused.rejection, { items: received, path, headers: refused.headers });
    return;
  }
  context.counters.itemsAccepted += envelopes.length;
  showInStore(context, envelopes);
  sendJson(response, 200, trackResponse(received, envelopes.length));
}

/** The JSON array's bytes without a UTF-8 byte order mark (parseTelemetryBody skips it too); the gzip form only if it is exactly those bytes. */
function receivedBody(body: Buffer, gzipped: Buffer | undefined): ReceivedBody {
  return body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? { text: body.subarray(3) } : { text: body, gzip: gzipped };
}
