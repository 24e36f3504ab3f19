/**
 * `POST …/azmon/query`: runs a KQL query over the relay's store for whoever holds the local key
 * (header `x-azmon-key`, the same one OTLP uses); anyone else gets 401 before any body byte is
 * read (admission.ts). Body: `{"query": "<KQL>"}`, at most {@link MAX_QUERY_BODY_BYTES}. Answers 200 with the
 * result, 400 with a positioned error. Plain Node: never import `vscode` here.
 */
import { timingSafeEqual } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { loadKqlRuntime } from '../lazy';
import { admitBody, BodyRoute } from './admission';
import { LOCAL_KEY_HEADER } from './appAddresses';
import type { RelayContext } from './relayContext';
import { sendJson } from './responses';
import { RejectReason, rejection } from './rejection';

/** A query is at most 20,000 characters; JSON escaping may double some of them. */
export const MAX_QUERY_BODY_BYTES = 64 * 1024;
/** The evaluation blocks the relay's event loop: it gets less time here than in the panel. */
const RELAY_QUERY_BUDGET_MS = 5000;

export async function handleQuery(
  context: RelayContext,
  request: IncomingMessage,
  response: ServerResponse,
  where: string,
  expectsContinue: boolean,
): Promise<void> {
  const refuseQuery = (reason: RejectReason, status: number, message: string, headers: Record<string, string> = {}): void => {
    context.counters.reject(reason);
    context.log('warn', `Refused ${where} with ${status} (${reason}): ${message}`);
    sendJson(response, status, { error: { kind: reason, message } }, headers);
  };
  const route: BodyRoute = {
    where,
    expectsContinue,
    limits: {
      maxBodyBytes: MAX_QUERY_BODY_BYTES,
      maxDecodedBytes: MAX_QUERY_BODY_BYTES,
      bodyIdleTimeoutMs: context.limits.bodyIdleTimeoutMs,
    },
    key: {
      // The current key only, in the header: a query reads everything the store holds.
      check: (candidate) =>
        hasLocalKey(candidate.headers[LOCAL_KEY_HEADER], context.localKey)
          ? undefined
          : rejection(401, 'key', `Queries need the relay's local key in the ${LOCAL_KEY_HEADER} header.`),
      reportsRefusal: false,
    },
    refuse: (refused, headers) => refuseQuery(refused.reason, refused.status, refused.message, headers),
  };
  await admitBody(context, request, response, route, async ({ body }) => {
    let query: unknown;
    try {
      query = (JSON.parse(body.toString('utf8')) as { query?: unknown } | null)?.query;
    } catch {
      query = undefined;
    }
    if (typeof query !== 'string') {
      refuseQuery('malformed', 400, 'The body must be JSON: {"query": "<KQL>"}.');
      return;
    }
    const { QueryError, runQuery } = loadKqlRuntime();
    try {
      sendJson(response, 200, runQuery(query, context.store.snapshot(), { limits: { timeBudgetMs: RELAY_QUERY_BUDGET_MS } }));
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      sendJson(response, 400, { error: error.toJSON() });
    }
  });
}

function hasLocalKey(header: string | string[] | undefined, localKey: string): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header.trim().toLowerCase());
  const expected = Buffer.from(localKey.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}
