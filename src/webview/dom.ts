/**
 * The only way the panel builds DOM. Strings always become text nodes (or plain attribute values);
 * nothing here parses HTML, so telemetry text such as `<img src=x onerror=…>` shows literally.
 *
 * Telemetry text is also bounded and made unable to reorder what is shown (issue 12):
 * - what is rendered is capped, never what is kept: a 100k-character name costs the browser a layout
 *   of 100k characters in every row that shows it, so rows, titles and tooltips render at most
 *   {@link SHORT_TEXT_LIMIT} characters and the details pane {@link LONG_TEXT_CHUNK} at a time
 *   ("Show more"); Copy as JSON still copies everything;
 * - bidirectional text is isolated (`<bdi>`: its direction comes from its own first strong
 *   character and cannot spill into the text around it), and the explicit embedding, override and
 *   isolate controls U+202A–U+202E, U+2066–U+2069 are shown as `[U+202E]` instead of acting, so a
 *   name `invoice\u202Egnp.exe` reads `invoice[U+202E]gnp.exe`, not `invoiceexe.png`.
 * {@link telemetryText}, {@link expandableText} and {@link displayText} (for attributes) do both;
 * every string that reaches the DOM through {@link h}, {@link svg} or {@link setText} is also
 * neutralised and capped at {@link LONG_TEXT_CHUNK}, as a safety net for the views that build
 * their own text.
 */
import { formatCount } from './format';
import { t } from './l10n';

export type Child = Node | string | number | false | null | undefined | readonly Child[];

export interface Attributes {
  readonly class?: string | readonly (string | false | null | undefined)[];
  /** Event listeners, e.g. `{ click: () => … }`. */
  readonly on?: { readonly [type: string]: (event: Event) => void };
  readonly [name: string]: unknown;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Attributes that could carry script or load resources; never set from here. */
const FORBIDDEN_ATTRIBUTE = /^(on|href$|src$|srcdoc$|action$|formaction$|xlink:href$|style$)/i;

/** Characters of one telemetry value that a list row, title, waterfall row or tooltip renders. */
export const SHORT_TEXT_LIMIT = 1_000;
/** Characters of one value the details pane renders at first, and reveals per "Show more". */
export const LONG_TEXT_CHUNK = 10_000;

const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const HAS_BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** Tooltips and accessible names: plain attribute text, bounded and neutralised like text nodes. */
const TEXT_ATTRIBUTES = new Set(['title', 'aria-label', 'label', 'placeholder']);
/** The safety net for those: room for a capped name plus the lines a tooltip adds to it. */
const ATTRIBUTE_TEXT_LIMIT = 2 * SHORT_TEXT_LIMIT;

/** `[U+202E]` for each bidi embedding/override/isolate control: visible, and inert. */
export function neutraliseBidi(text: string): string {
  return HAS_BIDI_CONTROL.test(text)
    ? text.replace(BIDI_CONTROLS, (control) => `[U+${control.charCodeAt(0).toString(16).toUpperCase()}]`)
    : text;
}

/** Where to cut `text` to keep at most `limit` code units without splitting a surrogate pair. */
function cutIndex(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * Telemetry text as a plain string for attributes (tooltips) and row cells: at most `limit`
 * characters of it (then `…`), bidi controls shown as `[U+…]`.
 */
export function displayText(value: unknown, limit = SHORT_TEXT_LIMIT): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const cut = cutIndex(text, limit);
  return cut < text.length ? `${neutraliseBidi(text.slice(0, cut))}…` : neutraliseBidi(text);
}

/** Telemetry text in an isolating `<bdi>`: at most `limit` characters, bidi controls inert. */
export function telemetryText(value: unknown, limit = SHORT_TEXT_LIMIT): HTMLElement {
  const element = document.createElement('bdi');
  element.textContent = displayText(value, limit);
  return element;
}

/**
 * Long telemetry text for the details pane: the first {@link LONG_TEXT_CHUNK} characters in a
 * `<bdi>`, and when there is more a "Show more" button that appends the next chunk on each click
 * (so a 1 MB message costs a click per chunk, never one huge layout up front).
 */
export function expandableText(value: unknown, chunk = LONG_TEXT_CHUNK): HTMLElement {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const content = document.createElement('bdi');
  let shown = cutIndex(text, chunk);
  content.textContent = neutraliseBidi(text.slice(0, shown));
  if (shown >= text.length) return content;
  const wrapper = h('span', { class: 'expandable' }, content);
  const more = h('button', { type: 'button', class: 'show-more' });
  const label = (): void => {
    const remaining = text.length - shown;
    more.textContent = t('Show more ({0} of {1} characters shown)', formatCount(shown), formatCount(text.length));
    more.dataset.remaining = String(remaining);
  };
  more.addEventListener('click', () => {
    const next = shown + cutIndex(text.slice(shown, shown + chunk + 1), chunk);
    content.append(neutraliseBidi(text.slice(shown, next)));
    shown = next;
    if (shown >= text.length) more.remove();
    else label();
  });
  label();
  wrapper.append(more);
  return wrapper;
}

/** Creates an HTML element: `h('div', { class: 'row' }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Attributes | null,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attributes?: Attributes | null, ...children: Child[]): HTMLElement;
export function h(tag: string, attributes?: Attributes | null, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/** Creates an SVG element the same way. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes?: Attributes | null,
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/** Appends children; strings and numbers become text nodes. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (typeof child === 'string' || typeof child === 'number')
      parent.appendChild(document.createTextNode(displayText(String(child), LONG_TEXT_CHUNK)));
    else parent.appendChild(child as Node);
  }
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Sets text only when it changed (cheap to call every frame). */
export function setText(element: Element, text: string): void {
  const shown = displayText(text, LONG_TEXT_CHUNK);
  if (element.textContent !== shown) element.textContent = shown;
}

/** A codicon glyph (`@vscode/codicons` class names); decorative unless a label is given. */
export function icon(name: string, label?: string): HTMLElement {
  const element = h('span', { class: ['codicon', `codicon-${name}`] });
  if (label) {
    element.setAttribute('role', 'img');
    element.setAttribute('aria-label', label);
  } else {
    element.setAttribute('aria-hidden', 'true');
  }
  return element;
}

function applyAttributes(element: Element, attributes: Attributes | null | undefined): void {
  if (!attributes) return;
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'on') {
      for (const [type, listener] of Object.entries(value as Record<string, (event: Event) => void>))
        element.addEventListener(type, listener);
    } else if (name === 'class') {
      const classes = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      if (classes) element.setAttribute('class', classes);
    } else {
      if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`h(): attribute "${name}" is not allowed`);
      element.setAttribute(
        name,
        value === true ? '' : TEXT_ATTRIBUTES.has(name) ? displayText(String(value), ATTRIBUTE_TEXT_LIMIT) : String(value),
      );
    }
  }
}
