/**
 * Recognising Application Insights secrets in string literals: connection strings
 * (`InstrumentationKey=…`) anywhere, and bare instrumentation-key GUIDs where the surrounding name
 * says they are one (`instrumentation_key=`, `IKEY = …`, `{"instrumentationKey": …}`).
 */
import type { Node } from 'web-tree-sitter';
import { ANY_CASE_GUID } from '../../shared/guid';
import { stringLiteral } from './syntax';

const CONNECTION_STRING = /\binstrumentationkey\s*=\s*[^\s;{}]/i;
const KEY_NAME = /instrumentation.?key|\bikey\b|_ikey\b|^ikey/i;

export type SecretKind = 'connection-string' | 'instrumentation-key';

export interface SecretLiteral {
  readonly node: Node;
  readonly kind: SecretKind;
  readonly value: string;
}

export function isConnectionStringText(value: string): boolean {
  return CONNECTION_STRING.test(value);
}

/**
 * Two rules classify the same string nodes (hardCodedConnectionString, instrumentationKey): the
 * answer is kept per node object, which lives as long as one analysis holds it.
 */
const classified = new WeakMap<Node, SecretLiteral | null>();

/** Classifies a `string` node; undefined when it is not a hard-coded secret (f-strings with `{…}` are not literals). */
export function secretLiteral(node: Node): SecretLiteral | undefined {
  let secret = classified.get(node);
  if (secret === undefined) {
    secret = classify(node) ?? null;
    classified.set(node, secret);
  }
  return secret ?? undefined;
}

function classify(node: Node): SecretLiteral | undefined {
  const literal = stringLiteral(node);
  if (!literal || literal.interpolated) {
    return undefined;
  }
  // The docstring test (a WebAssembly call) only for a value that would be a secret.
  if (isConnectionStringText(literal.value)) {
    return isDocstring(node) ? undefined : { node, kind: 'connection-string', value: literal.value };
  }
  if (ANY_CASE_GUID.test(literal.value.trim())) {
    const name = contextName(node);
    if (name !== undefined && KEY_NAME.test(name) && !isDocstring(node)) {
      return { node, kind: 'instrumentation-key', value: literal.value.trim() };
    }
  }
  return undefined;
}

/** The name a literal is given to: keyword argument, assignment target, dict key or subscript key. */
function contextName(node: Node): string | undefined {
  const parent = node.parent;
  if (!parent) {
    return undefined;
  }
  switch (parent.type) {
    case 'keyword_argument':
      return parent.childForFieldName('name')?.text;
    case 'assignment': {
      const left = parent.childForFieldName('left');
      return left?.type === 'subscript' ? left.childForFieldName('subscript')?.text : left?.text;
    }
    case 'pair':
      return parent.childForFieldName('key')?.text;
    default:
      return undefined;
  }
}

function isDocstring(node: Node): boolean {
  const parent = node.parent;
  return parent?.type === 'expression_statement' && parent.namedChildCount === 1;
}
