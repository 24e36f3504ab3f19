/**
 * Helpers over tree-sitter-python nodes, and a one-pass index of the node kinds the rules look at
 * (so a 5,000-line file is walked once, natively, not once per rule).
 */
import type { Node, Tree } from 'web-tree-sitter';

export interface SyntaxIndex {
  readonly root: Node;
  readonly text: string;
  /** Every `call`, in document order. */
  readonly calls: readonly Node[];
  /** Every `string` (f-strings included), in document order. */
  readonly strings: readonly Node[];
  /** `import_statement` and `import_from_statement` nodes, at any depth. */
  readonly imports: readonly Node[];
  /** `assignment` nodes. */
  readonly assignments: readonly Node[];
}

const INDEXED_TYPES = ['call', 'string', 'import_statement', 'import_from_statement', 'assignment'];

export function indexSyntax(tree: Tree, text: string): SyntaxIndex {
  return indexNodes(tree.rootNode, tree.rootNode.descendantsOfType(INDEXED_TYPES), text);
}

/**
 * The index of one subtree (a top-level statement): its own node counts too (an `import_statement`
 * at module level is both the statement and an import).
 */
export function indexSubtree(node: Node, text: string): SyntaxIndex {
  const found = node.descendantsOfType(INDEXED_TYPES);
  if (INDEXED_TYPES.includes(node.type) && !found.some((n) => n !== null && sameNode(n, node))) {
    found.unshift(node);
  }
  return indexNodes(node, found, text);
}

/**
 * Splits a file's index by top-level statement: `statements` are the root's children in document
 * order; the index of each holds the nodes within its range (one native walk for the whole file
 * instead of one per statement).
 */
export function partitionIndex(index: SyntaxIndex, statements: readonly Node[]): SyntaxIndex[] {
  // Ranges read once: `endIndex` is a WebAssembly call, `startIndex` a field.
  const starts = statements.map((statement) => statement.startIndex);
  const ends = statements.map((statement) => statement.endIndex);
  const buckets = statements.map(() => ({ calls: [] as Node[], strings: [] as Node[], imports: [] as Node[], assignments: [] as Node[] }));
  const place = (nodes: readonly Node[], pick: (bucket: (typeof buckets)[number]) => Node[]): void => {
    let at = 0;
    for (const node of nodes) {
      // Nodes come in document order and lie within one statement: the last one starting at or before it.
      while (at + 1 < starts.length && starts[at + 1] <= node.startIndex) {
        at++;
      }
      if (at < starts.length && starts[at] <= node.startIndex && node.startIndex <= ends[at]) {
        pick(buckets[at]).push(node);
      }
    }
  };
  place(index.calls, (b) => b.calls);
  place(index.strings, (b) => b.strings);
  place(index.imports, (b) => b.imports);
  place(index.assignments, (b) => b.assignments);
  return statements.map((statement, i) => ({ root: statement, text: index.text, ...buckets[i] }));
}

function indexNodes(root: Node, nodes: readonly (Node | null)[], text: string): SyntaxIndex {
  const calls: Node[] = [];
  const strings: Node[] = [];
  const imports: Node[] = [];
  const assignments: Node[] = [];
  for (const node of nodes) {
    if (!node) {
      continue;
    }
    switch (node.type) {
      case 'call':
        calls.push(node);
        break;
      case 'string':
        strings.push(node);
        break;
      case 'assignment':
        assignments.push(node);
        break;
      default:
        imports.push(node);
    }
  }
  return { root, text, calls, strings, imports, assignments };
}

/** `a.b.c` for `a.b.c(...)`, `f` for `f(...)`; undefined for calls of calls, subscripts, etc. */
export function calleeName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (!callee || (callee.type !== 'identifier' && callee.type !== 'attribute')) {
    return undefined;
  }
  return dottedText(callee);
}

/** The last segment of the callee: `new_metrics_exporter` for `metrics_exporter.new_metrics_exporter(...)`. */
export function calleeLastName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') {
    return callee.text;
  }
  // Also for `logging.getLogger().setLevel(...)`, whose object is not a dotted name.
  return callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
}

/** Text of an identifier/attribute chain without whitespace or comments; undefined for anything else. */
export function dottedText(node: Node): string | undefined {
  if (node.type === 'identifier') {
    return node.text;
  }
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute');
    const left = object ? dottedText(object) : undefined;
    return left !== undefined && attribute ? `${left}.${attribute.text}` : undefined;
  }
  return undefined;
}

export function argumentList(call: Node): Node | undefined {
  const args = call.childForFieldName('arguments');
  return args && args.type === 'argument_list' ? args : undefined;
}

/** Named children of the argument list: positional expressions and `keyword_argument`s. */
export function argumentNodes(call: Node): Node[] {
  const args = argumentList(call);
  return args ? args.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment') : [];
}

export function keywordArgument(call: Node, name: string): Node | undefined {
  return argumentNodes(call).find((arg) => arg.type === 'keyword_argument' && arg.childForFieldName('name')?.text === name);
}

export function positionalArguments(call: Node): Node[] {
  return argumentNodes(call).filter(
    (arg) => arg.type !== 'keyword_argument' && arg.type !== 'list_splat' && arg.type !== 'dictionary_splat',
  );
}

/** The value of `name=` or else the positional argument at `position`. */
export function argumentValue(call: Node, name: string, position: number): Node | undefined {
  return keywordArgument(call, name)?.childForFieldName('value') ?? positionalArguments(call)[position] ?? undefined;
}

export interface StringLiteral {
  /** Literal text between the quotes (escape sequences left as written). */
  readonly value: string;
  /** f-string with `{…}` parts: not a plain literal. */
  readonly interpolated: boolean;
}

/** A string's prefix and opening quotes; its closing quotes are the same without the prefix. */
const STRING_OPENING = /^([A-Za-z]*)("""|'''|"|')/;

export function stringLiteral(node: Node): StringLiteral | undefined {
  if (node.type !== 'string') {
    return undefined;
  }
  // Without an f (or t) prefix or braces a string has no interpolations: its value is its text
  // between the quotes. Read from the text, that is three WebAssembly calls instead of one per child node.
  const source = node.text;
  const opening = STRING_OPENING.exec(source);
  if (
    opening &&
    !/[fFtT]/.test(opening[1]) &&
    // Error recovery can still read `{…}` in a plain string as an interpolation, or a string left
    // open as one running over lines, and escapes in raw strings split unlike Python: those (rare in
    // the literals rules look for) take the child nodes' reading.
    !/[{\\\r\n]/.test(source) &&
    source.length >= opening[0].length + opening[2].length &&
    source.endsWith(opening[2]) &&
    !node.hasError
  ) {
    return { value: source.slice(opening[0].length, source.length - opening[2].length), interpolated: false };
  }
  let value = '';
  let interpolated = false;
  for (const child of node.namedChildren) {
    if (!child) {
      continue;
    }
    if (child.type === 'interpolation') {
      interpolated = true;
    } else if (child.type === 'string_content' || child.type === 'escape_sequence') {
      value += child.text;
    }
  }
  return { value, interpolated };
}

/** A plain `int`/`float` literal, possibly negated; undefined for anything computed. */
export function numberLiteral(node: Node): number | undefined {
  if (node.type === 'integer' || node.type === 'float') {
    const value = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : undefined;
  }
  if (node.type === 'unary_operator') {
    const operand = node.childForFieldName('argument');
    const operator = node.childForFieldName('operator')?.text;
    const value = operand ? numberLiteral(operand) : undefined;
    if (value === undefined) {
      return undefined;
    }
    return operator === '-' ? -value : operator === '+' ? value : undefined;
  }
  if (node.type === 'parenthesized_expression') {
    const inner = node.namedChildren.find((n) => n && n.type !== 'comment');
    return inner ? numberLiteral(inner) : undefined;
  }
  return undefined;
}

/** The statement (a direct child of `module` or `block`) that contains `node`. */
export function enclosingStatement(node: Node): Node {
  let current: Node = node;
  while (current.parent && current.parent.type !== 'module' && current.parent.type !== 'block') {
    current = current.parent;
  }
  return current;
}

/** The innermost function containing `node`, or undefined at module level (class bodies count as module level). */
export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'lambda') {
      return current;
    }
  }
  return undefined;
}

export function sameNode(a: Node | undefined | null, b: Node | undefined | null): boolean {
  return !!a && !!b && a.startIndex === b.startIndex && a.endIndex === b.endIndex && a.type === b.type;
}

/** Whether `node` lies within `ancestor`'s range. */
export function isDescendant(node: Node, ancestor: Node): boolean {
  return node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}
