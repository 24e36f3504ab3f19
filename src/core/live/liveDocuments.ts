/**
 * The sample documents of Live Metrics posts (the portal's "Sample telemetry": requests,
 * dependencies, exceptions, events and traces that match the portal's document streams), kept for
 * the panel's Live view. Untrusted input: every field is cut short, the buffer is bounded by count
 * and by bytes, and the panel shows them as text only. Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../../shared/lifecycle';
import type { LiveDocument } from '../../shared/messages';

export type { LiveDocument };

const MAX_FIELD_CHARS = 1024;
const MAX_PROPERTIES = 20;
const MAX_DOCUMENTS_PER_POST = 100;
export const DEFAULT_LIVE_DOCUMENT_CAPACITY = 200;
export const DEFAULT_LIVE_DOCUMENT_BYTES = 1024 * 1024;

const KINDS: Record<string, LiveDocument['kind']> = {
  request: 'request',
  remotedependency: 'dependency',
  exception: 'exception',
  event: 'event',
  trace: 'trace',
};

/** The documents of a post body (an array of data points, or one). Pure. */
export function parseLiveDocuments(body: unknown, now = Date.now()): LiveDocument[] {
  const documents: LiveDocument[] = [];
  for (const point of Array.isArray(body) ? body : [body]) {
    if (!isObject(point) || !Array.isArray(point.Documents)) continue;
    const time = typeof point.Timestamp === 'string' && Number.isFinite(Date.parse(point.Timestamp)) ? Date.parse(point.Timestamp) : now;
    for (const raw of point.Documents.slice(0, MAX_DOCUMENTS_PER_POST)) {
      if (!isObject(raw)) continue;
      const kind = KINDS[String(raw.DocumentType ?? '').toLowerCase()];
      if (!kind) continue;
      const text = (name: string): string | undefined =>
        typeof raw[name] === 'string' || typeof raw[name] === 'number' ? cut(String(raw[name])) : undefined;
      const [title, detail, code, duration] =
        kind === 'request'
          ? [text('Name'), text('Url'), text('ResponseCode'), text('Duration')]
          : kind === 'dependency'
            ? [text('Name'), text('CommandName'), text('ResultCode'), text('Duration')]
            : kind === 'exception'
              ? [text('ExceptionType'), text('ExceptionMessage'), undefined, undefined]
              : kind === 'event'
                ? [text('Name'), undefined, undefined, undefined]
                : [text('Message'), undefined, undefined, undefined];
      const document: { -readonly [K in keyof LiveDocument]: LiveDocument[K] } = { time, kind, title: title ?? '' };
      if (detail !== undefined) document.detail = detail;
      if (code !== undefined) document.code = code;
      if (duration !== undefined) document.duration = duration;
      if (typeof point.RoleName === 'string' && point.RoleName !== '') document.role = cut(point.RoleName);
      if (Array.isArray(raw.Properties)) {
        const properties: [string, string][] = [];
        for (const pair of raw.Properties.slice(0, MAX_PROPERTIES)) {
          if (isObject(pair) && typeof pair.key === 'string' && typeof pair.value === 'string')
            properties.push([cut(pair.key), cut(pair.value)]);
        }
        if (properties.length > 0) document.properties = properties;
      }
      documents.push(document);
    }
  }
  return documents;
}

/** Newest last; bounded by count and by (approximate UTF-16) bytes. */
export class LiveDocuments {
  private readonly documents: { document: LiveDocument; bytes: number }[] = [];
  private bytes = 0;
  private readonly listeners = new Set<(added: readonly LiveDocument[]) => void>();

  constructor(
    private readonly capacity = DEFAULT_LIVE_DOCUMENT_CAPACITY,
    private readonly maxBytes = DEFAULT_LIVE_DOCUMENT_BYTES,
  ) {}

  get size(): number {
    return this.documents.length;
  }

  add(documents: readonly LiveDocument[]): void {
    if (documents.length === 0) return;
    for (const document of documents) {
      const bytes = JSON.stringify(document).length * 2;
      this.documents.push({ document, bytes });
      this.bytes += bytes;
      while (this.documents.length > this.capacity || (this.bytes > this.maxBytes && this.documents.length > 1)) {
        this.bytes -= this.documents.shift()!.bytes;
      }
    }
    for (const listener of this.listeners) {
      try {
        listener(documents);
      } catch {
        // A failing listener must not stop the relay.
      }
    }
  }

  snapshot(): LiveDocument[] {
    return this.documents.map((entry) => entry.document);
  }

  clear(): void {
    this.documents.length = 0;
    this.bytes = 0;
  }

  subscribe(listener: (added: readonly LiveDocument[]) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

function cut(text: string): string {
  return text.length > MAX_FIELD_CHARS ? `${text.slice(0, MAX_FIELD_CHARS - 1)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
