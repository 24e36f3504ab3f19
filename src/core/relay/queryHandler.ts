/**
 * `POST …/azmon/query`: runs a KQL query over the relay's store for whoever holds the local key
 * (header `x-azmon-key`, the same one OTLP uses); anyone else gets 401 before any body byte is
 * read. Body: `{"query": "<KQL>"}`, at most {@link MAX_QUERY_BODY_BYTES}. Answers 200 with the
 * result, 400 with a positioned error. Plain Node: never import `vscode` here.
 */
import { timingSafeEqual } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { QueryError, runQuery } from '../query';
import { contentCodingOf, declaredLengthRejection, discardBody, readBody } from './bodyReader';
import { OTLP_KEY_HEADER } from './otlpHandler';
import type { RelayContext } from './relayContext';
import { sendJson } from './responses';
import type { RejectReason } from './rejection';

/** A query is at most 20,000 characters; JSON escaping may double some of them. */
export const MAX_QUERY_BODY_BYTES = 64 * 1024;
/** The evaluation blocks the relay's event loop: it gets less time here than in the panel. */
const RELAY_QUERY_BUDGET_MS = 5000;

export async function handleQuery(context: RelayContext, request: IncomingMessage, response: ServerResponse, where: string, expectsContinue: boolean): Promise<void> {
  const limits = { maxBodyBytes: MAX_QUERY_BODY_BYTES, maxDecodedBytes: MAX_QUERY_BODY_BYTES, bodyIdleTimeoutMs: context.limits.bodyIdleTimeoutMs };
  const refuseQuery = (status: number, reason: RejectReason, message: string, discard = true): void => {
    if (discard && !expectsContinue) discardBody(request, limits, MAX_QUERY_BODY_BYTES);
    context.counters.reject(reason);
    context.log('warn', `Refused ${where} with ${status} (${reason}): ${message}`);
    sendJson(response, status, { error: { kind: reason, message } }, expectsContinue ? { Connection: 'close' } : {});
  };
  if (!hasLocalKey(request.headers[OTLP_KEY_HEADER], context.localKey)) {
    refuseQuery(401, 'key', `Queries need the relay's local key in the ${OTLP_KEY_HEADER} header.`);
    return;
  }
  const coding = contentCodingOf(request.headers['content-encoding']);
  if (typeof coding !== 'string') {
    refuseQuery(coding.status, coding.reason, coding.message);
    return;
  }
  const declared = declaredLengthRejection(request.headers['content-length'], limits);
  if (declared) {
    refuseQuery(413, 'too-large', `A query request is at most ${MAX_QUERY_BODY_BYTES} bytes.`);
    return;
  }
  if (expectsContinue) response.writeContinue();
  const body = await readBody(request, coding, limits, context.bodyBudget);
  if (!body.ok) {
    refuseQuery(body.rejection.status, body.rejection.reason, body.rejection.message, false);
    return;
  }
  try {
    let query: unknown;
    try {
      query = (JSON.parse(body.body.toString('utf8')) as { query?: unknown } | null)?.query;
    } catch {
      query = undefined;
    }
    if (typeof query !== 'string') {
      refuseQuery(400, 'malformed', 'The body must be JSON: {"query": "<KQL>"}.', false);
      return;
    }
    try {
      sendJson(response, 200, runQuery(query, context.store.snapshot(), { limits: { timeBudgetMs: RELAY_QUERY_BUDGET_MS } }));
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      sendJson(response, 400, { error: error.toJSON() });
    }
  } finally {
    context.bodyBudget.release(body.body.length);
  }
}

function hasLocalKey(header: string | string[] | undefined, localKey: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header.trim().toLowerCase());
  const expected = Buffer.from(localKey.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
