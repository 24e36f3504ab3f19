/**
 * Host side of "Copy" in the live panel: the webview sends text for the clipboard in `copyText`
 * chunks (each at most COPY_CHUNK_LENGTH characters, at most MAX_COPY_CHUNKS of them), in order;
 * this puts one copy back together. Memory is bounded by one copy (a new copy replaces an
 * unfinished one), and a chunk out of order is refused rather than glued into wrong text.
 */
import type { WebviewToHost } from '../../shared/messages';

export type CopyChunk = Extract<WebviewToHost, { type: 'copyText' }>;

export type CopyProgress =
  | { readonly state: 'waiting' }
  | { readonly state: 'complete'; readonly text: string }
  | { readonly state: 'refused'; readonly reason: string };

export class CopyAssembler {
  private current: { id: number; count: number; parts: string[] } | undefined;

  /** Takes the next chunk (already validated by isWebviewToHost). */
  accept(chunk: CopyChunk): CopyProgress {
    if (chunk.index === 0) this.current = { id: chunk.id, count: chunk.count, parts: [] };
    const current = this.current;
    if (!current || current.id !== chunk.id || current.count !== chunk.count || current.parts.length !== chunk.index) {
      this.current = undefined;
      return { state: 'refused', reason: `chunk ${chunk.index + 1} of ${chunk.count} arrived out of order` };
    }
    current.parts.push(chunk.text);
    if (current.parts.length < current.count) return { state: 'waiting' };
    this.current = undefined;
    return { state: 'complete', text: current.parts.join('') };
  }
}
