/**
 * Turns one answer of the ingestion service into what happens to each item of the batch: sent,
 * resent later, dropped, or the batch follows a redirect. Pure, so it is tested per status code.
 * Plain Node: never import `vscode` here.
 */
import type { TrackResponse } from '../envelope';
import { redactConnectionString, shortenRedacted } from '../redact';
import { dropReason, isRetryableItem, isRetryableStatus, parseRetryAfter } from './retryRules';
import type { TransportResult } from './transport';

export type Verdict =
  | { readonly kind: 'sent' }
  /** 206: `retry` and `dropped` are indexes into the batch; the others were accepted. */
  | {
      readonly kind: 'partial';
      readonly retry: readonly number[];
      readonly dropped: readonly number[];
      readonly reason: string;
      /** Per dropped index (same order as `dropped`): the item's status code and message, redacted and cut. */
      readonly droppedAnswers?: readonly { readonly status: number; readonly message?: string }[];
    }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'drop'; readonly reason: string }
  | { readonly kind: 'redirect'; readonly status: number; readonly location?: string };

export interface JudgeOptions {
  readonly batchSize: number;
  readonly usingToken: boolean;
  readonly nowMs: number;
  readonly maxRetryAfterMs: number;
  /** Redacts text the service sent before it is cut for a reason (default: connection-string patterns). */
  readonly redact?: (text: string) => string;
}

/** How much of a service message a reason quotes. */
const MAX_DETAIL_CHARS = 200;

export function judgeAnswer(result: TransportResult, options: JudgeOptions): Verdict {
  if (result.kind === 'network') {
    return { kind: 'retry', reason: `network error: ${quote(result.message, options)}` };
  }
  const { status } = result;
  if (status === 200) {
    return { kind: 'sent' };
  }
  if (status === 206) {
    return judgePartial(result.body, options);
  }
  if (status === 307 || status === 308) {
    const location = result.headers.location;
    return { kind: 'redirect', status, location: Array.isArray(location) ? location[0] : location };
  }
  const detail = firstErrorMessage(result.body, options);
  if (isRetryableStatus(status, options.usingToken)) {
    return {
      kind: 'retry',
      reason: `the service answered ${status}${detail ? `: ${detail}` : ''}`,
      retryAfterMs: parseRetryAfter(result.headers['retry-after'], options.nowMs, options.maxRetryAfterMs),
    };
  }
  if (status >= 500) {
    // Unlisted 5xx (501, 505…): the service's trouble, not the data's; keep the data.
    return { kind: 'retry', reason: `the service answered ${status}${detail ? `: ${detail}` : ''}` };
  }
  return { kind: 'drop', reason: `${dropReason(status)}${detail ? `: ${detail}` : ''}` };
}

function judgePartial(body: string, options: JudgeOptions): Verdict {
  const parsed = parseTrackResponse(body);
  if (!parsed) {
    // Which items failed is unknown: resending all is at-least-once, dropping all would lose data.
    return { kind: 'retry', reason: 'the service answered 206 without a readable body' };
  }
  const retry: number[] = [];
  const dropped: number[] = [];
  const droppedAnswers: { status: number; message?: string }[] = [];
  let reason = '';
  const seen = new Set<number>();
  for (const error of parsed.errors) {
    if (!Number.isInteger(error.index) || error.index < 0 || error.index >= options.batchSize || seen.has(error.index)) {
      continue;
    }
    seen.add(error.index);
    if (isRetryableItem(error.statusCode, error.message, options.usingToken)) {
      retry.push(error.index);
    } else {
      dropped.push(error.index);
      droppedAnswers.push(
        typeof error.message === 'string' && error.message !== ''
          ? { status: error.statusCode, message: quote(error.message, options) }
          : { status: error.statusCode },
      );
      reason ||=
        `item ${error.index}: ${error.statusCode} ${typeof error.message === 'string' ? quote(error.message, options) : ''}`.trim();
    }
  }
  return { kind: 'partial', retry, dropped, reason, droppedAnswers };
}

function parseTrackResponse(body: string): TrackResponse | undefined {
  try {
    const value = JSON.parse(body) as TrackResponse;
    return value && Array.isArray(value.errors) ? value : undefined;
  } catch {
    return undefined;
  }
}

function firstErrorMessage(body: string, options: JudgeOptions): string | undefined {
  const message = parseTrackResponse(body)?.errors.find((error) => typeof error?.message === 'string')?.message;
  const text = message ?? (body.trim().startsWith('{') ? undefined : body.trim());
  return text ? quote(text, options) : undefined;
}

/** Service text for a reason: redacted first, then cut (a key cut in half would escape redaction). */
function quote(text: string, options: JudgeOptions): string {
  return shortenRedacted((options.redact ?? redactConnectionString)(text), MAX_DETAIL_CHARS);
}
