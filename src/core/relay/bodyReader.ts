/**
 * Reads a request body under the relay's limits: raw size, decoded size (checked while inflating,
 * so a gzip bomb stops at the limit instead of expanding in memory), and idle time. gzip, deflate
 * (zlib-wrapped or raw, as both occur) and br are decoded; anything else is refused before reading.
 * Plain Node: never import `vscode` here.
 */
import type { IncomingMessage } from 'http';
import * as zlib from 'zlib';
import { Rejection, rejection } from './rejection';

const DECODE_CHUNK_BYTES = 256 * 1024;

export type ContentCoding = 'identity' | 'gzip' | 'deflate' | 'br';

export interface BodyLimits {
  readonly maxBodyBytes: number;
  readonly maxDecodedBytes: number;
  readonly bodyIdleTimeoutMs: number;
}

/**
 * Decoded body bytes all requests hold at once, from reading until their handler is done: each
 * body is capped on its own, and this caps their sum (many connections × 64 MiB would not be).
 * Over it, a request is answered 503 + Retry-After, which SDKs retry.
 */
export class BodyBudget {
  held = 0;
  constructor(readonly maxBytes: number) {}

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}

/** `gzipped`: the bytes as received, when the coding was gzip (a sink may store them instead of compressing again). */
export type BodyResult =
  | { readonly ok: true; readonly body: Buffer; readonly gzipped?: Buffer }
  | { readonly ok: false; readonly rejection: Rejection };

/** The single coding of a `Content-Encoding` header, or a 415 naming the unsupported one. */
export function contentCodingOf(header: string | undefined): ContentCoding | Rejection {
  const codings = (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) {
    return 'identity';
  }
  if (codings.length === 1) {
    const coding = codings[0] === 'x-gzip' ? 'gzip' : codings[0];
    if (coding === 'gzip' || coding === 'deflate' || coding === 'br') {
      return coding;
    }
  }
  return rejection(415, 'encoding', `Content-Encoding "${header}" is not supported; use gzip, deflate or none.`);
}

/** A 413 when the declared Content-Length is already over the limit (checked before reading). */
export function declaredLengthRejection(header: string | undefined, limits: BodyLimits): Rejection | undefined {
  if (header === undefined) {
    return undefined;
  }
  const length = Number(header);
  return Number.isFinite(length) && length > limits.maxBodyBytes ? tooLarge(length, limits.maxBodyBytes, 'The body') : undefined;
}

/**
 * Resolves with the decoded body, or with the rejection to answer. After a rejection the rest of
 * the body is discarded (up to one more `maxBodyBytes`, see {@link discardBody}).
 */
export function readBody(request: IncomingMessage, coding: ContentCoding, limits: BodyLimits, budget?: BodyBudget): Promise<BodyResult> {
  return new Promise<BodyResult>((resolve) => {
    const chunks: Buffer[] = [];
    const gzippedChunks: Buffer[] = [];
    let rawBytes = 0;
    let decodedBytes = 0;
    let settled = false;
    let decoder: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress | undefined;
    let pendingHead: Buffer | undefined; // deflate: first bytes, until the wrapper can be recognised
    let idleTimer: NodeJS.Timeout | undefined;

    const finish = (result: BodyResult): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(idleTimer);
      chunks.length = 0;
      gzippedChunks.length = 0;
      if (!result.ok) {
        budget?.release(decodedBytes); // on success the caller releases it once the body is handled
        decoder?.destroy();
        discardBody(request, limits, limits.maxBodyBytes);
      }
      resolve(result);
    };
    const fail = (status: number, reason: Rejection['reason'], message: string): void =>
      finish({ ok: false, rejection: rejection(status, reason, message) });

    const armIdleTimer = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(
        () => fail(408, 'timeout', `No body data for ${limits.bodyIdleTimeoutMs} ms; the request timed out.`),
        limits.bodyIdleTimeoutMs,
      );
    };

    const keepDecoded = (chunk: Buffer): void => {
      if (settled) {
        return;
      }
      if (decodedBytes + chunk.length > limits.maxDecodedBytes) {
        fail(413, 'too-large', `The decompressed body exceeds ${limits.maxDecodedBytes} bytes.`);
        return;
      }
      if (budget && budget.held + chunk.length > budget.maxBytes) {
        fail(
          503,
          'busy',
          `The relay is holding ${Math.round(budget.maxBytes / 1024 / 1024)} MiB of request bodies already; retry shortly.`,
        );
        return;
      }
      decodedBytes += chunk.length;
      if (budget) budget.held += chunk.length;
      chunks.push(chunk);
    };

    const startDecoder = (first: Buffer): void => {
      // 256 KiB output chunks instead of 16 KiB: a 512-item batch inflates in 2 callbacks, not 22 (main-thread time).
      const options = { chunkSize: DECODE_CHUNK_BYTES };
      decoder =
        coding === 'gzip'
          ? zlib.createGunzip(options)
          : coding === 'br'
            ? zlib.createBrotliDecompress(options)
            : looksZlibWrapped(first)
              ? zlib.createInflate(options)
              : zlib.createInflateRaw(options);
      decoder.on('data', keepDecoded);
      decoder.on('error', (error: Error) => fail(400, 'malformed', `The body is not valid ${coding} data: ${error.message}`));
      decoder.on('end', () =>
        finish({
          ok: true,
          body: Buffer.concat(chunks, decodedBytes),
          gzipped: coding === 'gzip' ? Buffer.concat(gzippedChunks, rawBytes) : undefined,
        }),
      );
      // Backpressure: stop reading the socket while zlib has output we have not taken yet.
      decoder.on('drain', () => request.resume());
    };

    const feedDecoder = (chunk: Buffer): void => {
      if (!decoder) {
        pendingHead = pendingHead ? Buffer.concat([pendingHead, chunk]) : chunk;
        if (coding === 'deflate' && pendingHead.length < 2) {
          return;
        }
        chunk = pendingHead;
        pendingHead = undefined;
        startDecoder(chunk);
      }
      if (!decoder!.write(chunk)) {
        request.pause();
      }
    };

    request.on('data', (chunk: Buffer) => {
      if (settled) {
        return; // discardBody counts from here on
      }
      armIdleTimer();
      rawBytes += chunk.length;
      if (rawBytes > limits.maxBodyBytes) {
        fail(413, 'too-large', tooLarge(rawBytes, limits.maxBodyBytes, 'The body').message);
        return;
      }
      if (coding === 'identity') {
        keepDecoded(chunk);
      } else {
        if (coding === 'gzip') gzippedChunks.push(chunk);
        feedDecoder(chunk);
      }
    });
    request.on('end', () => {
      if (settled) {
        return;
      }
      clearTimeout(idleTimer);
      if (coding === 'identity') {
        finish({ ok: true, body: Buffer.concat(chunks, decodedBytes) });
      } else if (!decoder && !pendingHead) {
        fail(400, 'malformed', `The body is empty but Content-Encoding is ${coding}.`);
      } else {
        if (!decoder) {
          startDecoder(pendingHead!);
          decoder!.write(pendingHead!);
        }
        decoder!.end();
      }
    });
    request.on('error', (error: Error) => fail(400, 'aborted', `The request failed while reading its body: ${error.message}`));
    request.on('close', () => {
      if (!request.complete) {
        fail(400, 'aborted', 'The client closed the connection before the body was complete.');
      }
    });
    armIdleTimer();
  });
}

/**
 * Reads and drops the rest of a refused body, so the client finishes sending and reads the answer
 * instead of a reset connection. A client that stalls for `bodyIdleTimeoutMs`, or sends more than
 * `maxBytes`, loses the connection.
 */
export function discardBody(
  request: IncomingMessage,
  limits: Pick<BodyLimits, 'bodyIdleTimeoutMs'>,
  maxBytes = Number.POSITIVE_INFINITY,
): void {
  if (request.complete) {
    return;
  }
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  const stop = (): void => {
    clearTimeout(timer);
    request.off('data', onData);
  };
  const cut = (): void => {
    stop();
    request.socket?.destroy();
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(cut, limits.bodyIdleTimeoutMs).unref();
  };
  const onData = (chunk: Buffer): void => {
    dropped += chunk.length;
    if (dropped > maxBytes) {
      cut();
    } else {
      arm();
    }
  };
  request.on('data', onData);
  // Once answered, the request may be detached from its socket: watch the socket too.
  request.once('end', stop);
  request.once('close', stop);
  request.socket?.once('close', stop);
  arm();
  request.resume();
}

function tooLarge(bytes: number, limit: number, what: string): Rejection {
  return rejection(413, 'too-large', `${what} is ${bytes} bytes or more; the limit is ${limit} bytes.`);
}

/** RFC 1950 header: CM = 8 and the 16-bit header is a multiple of 31. */
function looksZlibWrapped(head: Buffer): boolean {
  return head.length >= 2 && (head[0] & 0x0f) === 8 && ((head[0] << 8) | head[1]) % 31 === 0;
}
