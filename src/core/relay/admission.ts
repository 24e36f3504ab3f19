/**
 * The one admission step every route goes through before a handler sees a body, cheapest check
 * first and nothing read (nor `100 Continue` sent) until all passed:
 *
 *   admitRequest: shutting down? → Origin / Host (a browser page, DNS rebinding)
 *   admitBody:    content type (when the route has one) → Content-Encoding → declared length
 *                 → key (the route's rule) → 100 Continue → read under size, decoded-size,
 *                 idle-time and in-flight budgets
 *
 * A refusal before the body is read lets a client that sends at once finish (the rest is read and
 * dropped, bounded) and closes the connection of one that waits for `100 Continue`; a body that
 * stalls closes the connection; a busy relay says when to come back. Each route answers in its own
 * format through `refuse`. Plain Node: never import `vscode` here.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'http';
import { BodyLimits, contentCodingOf, declaredLengthRejection, discardBody, readBody } from './bodyReader';
import { Rejection, rejection } from './rejection';
import { refuse, RelayContext } from './relayContext';
import { guardRejection } from './requestGuards';

/** How a route checks the key a request carries, before its body is read. */
export interface KeyRule {
  /** A refusal, `'previous'` for a retired key still in its grace period, undefined for the current key. */
  check(request: IncomingMessage): Rejection | 'previous' | undefined;
  /** Whether a refusal counts as an app using an old key (the extension then tells the user). */
  readonly reportsRefusal: boolean;
}

export interface BodyRoute {
  /** `POST /v2.1/track`, for the log. */
  readonly where: string;
  readonly expectsContinue: boolean;
  /** Default: the relay's limits. */
  readonly limits?: BodyLimits;
  /** Checked first; a route without one takes any content type. */
  readonly contentType?: (headers: IncomingHttpHeaders) => Rejection | undefined;
  readonly key?: KeyRule;
  /** Answers a refusal in the route's own format (and counts and logs it). */
  readonly refuse: (refused: Rejection, headers: Record<string, string>) => void;
}

/** A body that passed admission; it holds its bytes of the in-flight budget until the handler is done. */
export interface AdmittedBody {
  readonly body: Buffer;
  /** The bytes as received, when the coding was gzip. */
  readonly gzipped?: Buffer;
}

/**
 * The checks before routing. Answers and returns false when the relay is closing or the request
 * did not come from a local SDK; `ports`: the Host ports it may name.
 */
export function admitRequest(
  context: RelayContext,
  request: IncomingMessage,
  response: ServerResponse,
  ports: readonly number[],
  closing: boolean,
  where: string,
): boolean {
  if (closing) {
    refuse(context, response, rejection(503, 'closing', 'The relay is shutting down; retry shortly.'), {
      path: where,
      headers: { 'Retry-After': '1', Connection: 'close' },
    });
    return false;
  }
  const guards = ports.map((port) => guardRejection(request.headers, port));
  const guard = guards.every((refused) => refused !== undefined) ? guards[0] : undefined;
  if (guard) {
    refuse(context, response, guard, { path: where, headers: { Connection: 'close' } });
    return false;
  }
  return true;
}

/**
 * Runs the body checks, reads the body, and hands it to `handle`; the in-flight budget is given
 * back when `handle` is done. A refused request is answered through `route.refuse` and `handle`
 * is not called.
 */
export async function admitBody(
  context: RelayContext,
  request: IncomingMessage,
  response: ServerResponse,
  route: BodyRoute,
  handle: (admitted: AdmittedBody) => Promise<void>,
): Promise<void> {
  const limits = route.limits ?? context.limits;
  // Announced, so finite: a declared-too-large body is read to its end; others up to one more limit.
  const refuseUnread = (refused: Rejection, maxDiscard = limits.maxBodyBytes): void => {
    if (!route.expectsContinue) discardBody(request, limits, maxDiscard);
    route.refuse(refused, route.expectsContinue ? { Connection: 'close' } : {});
  };
  const wrongType = route.contentType?.(request.headers);
  if (wrongType) {
    refuseUnread(wrongType);
    return;
  }
  const coding = contentCodingOf(request.headers['content-encoding']);
  if (typeof coding !== 'string') {
    refuseUnread(coding);
    return;
  }
  const declared = declaredLengthRejection(request.headers['content-length'], limits);
  if (declared) {
    refuseUnread(declared, Number.POSITIVE_INFINITY);
    return;
  }
  if (route.key) {
    const verdict = route.key.check(request);
    if (verdict === 'previous') {
      context.onKeyUse?.({ outcome: 'previous', path: route.where });
    } else if (verdict) {
      if (route.key.reportsRefusal) context.onKeyUse?.({ outcome: 'refused', path: route.where });
      refuseUnread(verdict);
      return;
    }
  }
  if (route.expectsContinue) response.writeContinue();
  const body = await readBody(request, coding, limits, context.bodyBudget);
  if (!body.ok) {
    route.refuse(body.rejection, bodyRejectionHeaders(body.rejection.reason));
    return;
  }
  try {
    await handle({ body: body.body, gzipped: body.gzipped });
  } finally {
    context.bodyBudget.release(body.body.length);
  }
}

/** A timed-out body closes the connection; a busy relay says when to come back. */
export function bodyRejectionHeaders(reason: string): Record<string, string> {
  return reason === 'timeout' ? { Connection: 'close' } : reason === 'busy' ? { 'Retry-After': '1' } : {};
}
