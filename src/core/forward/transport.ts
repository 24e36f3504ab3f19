/**
 * One POST to the ingestion service over undici: a keep-alive connection pool (or the caller's
 * proxy), gzip body, bearer token when given, a hard timeout. Redirects are not followed here: the
 * forwarder decides (Azure domains only). Plain Node: never import `vscode` here.
 */
import type { Dispatcher } from 'undici';
import { loadUndiciRuntime } from '../lazy';

export interface TransportOptions {
  readonly proxyUrl?: string;
  /** Whole request (connect + send + answer), default 30 s. */
  readonly requestTimeoutMs: number;
}

export type TransportResult =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: Record<string, string | string[] | undefined>;
      readonly body: string;
    }
  | { readonly kind: 'network'; readonly message: string };

const USER_AGENT = 'azure-monitor-python-relay/0.1';
/** Enough of an error body for a log line; a misbehaving server cannot make us buffer megabytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

export class Transport {
  /** Made on the first post: a local-only relay never loads undici. */
  private dispatcher: Dispatcher | undefined;
  private readonly inFlight = new Set<AbortController>();
  private closed = false;

  constructor(private readonly options: TransportOptions) {}

  private pool(): Dispatcher {
    // After close() a new pool would never be destroyed: the post fails as a network error instead.
    if (this.closed) throw new Error('the forwarder is closing');
    const { Agent, ProxyAgent } = loadUndiciRuntime();
    return (this.dispatcher ??= this.options.proxyUrl
      ? new ProxyAgent({ uri: this.options.proxyUrl, keepAliveTimeout: 30_000 })
      : new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 4 }));
  }

  async post(url: string, gzippedBody: Buffer, token: string | undefined): Promise<TransportResult> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${this.options.requestTimeoutMs} ms`)),
      this.options.requestTimeoutMs,
    );
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        accept: 'application/json',
        'user-agent': USER_AGENT,
      };
      if (token) {
        headers.authorization = `Bearer ${token}`;
      }
      const dispatcher = this.pool();
      const answer = await loadUndiciRuntime().request(url, {
        method: 'POST',
        headers,
        body: gzippedBody,
        dispatcher,
        signal: controller.signal,
      });
      const body = await readLimited(answer.body);
      return { kind: 'response', status: answer.statusCode, headers: answer.headers, body };
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      return { kind: 'network', message: describeNetworkError(reason) };
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(controller);
    }
  }

  /** Aborts requests in flight (their batches stay queued) and closes pooled connections. */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.inFlight) {
      controller.abort(new Error('the forwarder is closing'));
    }
    await this.dispatcher?.destroy().catch(() => undefined);
  }
}

async function readLimited(body: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (size < MAX_ANSWER_BYTES) {
      chunks.push(buffer);
    }
    size += buffer.length;
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** `ECONNREFUSED: connect … (cause)`: the code, the message and a different cause's message. */
export function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code ?? (error.cause as { code?: unknown } | undefined)?.code;
    const cause = error.cause instanceof Error && error.cause.message !== error.message ? ` (${error.cause.message})` : '';
    return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}${cause}`;
  }
  return String(error);
}
