/**
 * One copy of each short, repeated text the store keeps. `JSON.parse` gives every item its own
 * copy of its role, SDK version, operation name, dependency type and target…, though a process
 * sends the same few values over and over: 100k items held ~100k copies of each, all promoted to
 * the old generation and marked by every full GC. Sharing them makes the parsed copies die young.
 * Bounded for untrusted input: only short texts, and the table starts over when it is full.
 * Plain Node: never import `vscode` here.
 */

/** Longer texts are rarely repeated exactly (messages, URLs with ids): not worth a lookup. */
export const MAX_SHARED_LENGTH = 128;
/** Distinct texts remembered; then the table starts over (a flood of distinct values costs little). */
export const MAX_SHARED_TEXTS = 4096;

export class SharedTexts {
  private readonly texts = new Map<string, string>();

  /** Texts remembered now (never more than {@link MAX_SHARED_TEXTS}). */
  get size(): number {
    return this.texts.size;
  }

  /** The copy of `text` already kept, or `text` itself (remembered for next time). */
  share(text: string): string {
    if (text.length > MAX_SHARED_LENGTH) return text;
    const known = this.texts.get(text);
    if (known !== undefined) return known;
    if (this.texts.size >= MAX_SHARED_TEXTS) this.texts.clear();
    this.texts.set(text, text);
    return text;
  }
}
