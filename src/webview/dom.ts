/**
 * The only way the panel builds DOM. Strings always become text nodes (or plain attribute values);
 * nothing here parses HTML, so telemetry text such as `<img src=x onerror=…>` shows literally.
 */

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

/** Creates an HTML element: `h('div', { class: 'row' }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attributes?: Attributes | null, ...children: Child[]): HTMLElement;
export function h(tag: string, attributes?: Attributes | null, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  applyAttributes(element, attributes);
  append(element, children);
  return element;
}

/** Creates an SVG element the same way. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes?: Attributes | null, ...children: Child[]): SVGElementTagNameMap[K] {
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
    else if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
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
  if (element.textContent !== text) element.textContent = text;
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
      for (const [type, listener] of Object.entries(value as Record<string, (event: Event) => void>)) element.addEventListener(type, listener);
    } else if (name === 'class') {
      const classes = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
      if (classes) element.setAttribute('class', classes);
    } else {
      if (FORBIDDEN_ATTRIBUTE.test(name)) throw new Error(`h(): attribute "${name}" is not allowed`);
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}
