/** Hover on a string literal that holds a connection string. */
import type { Hover } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Tree } from 'web-tree-sitter';
import { isConnectionStringText } from '../analysis/connectionStringLiterals';
import { describeConnectionString } from '../analysis/connectionStringHover';
import { stringLiteral } from '../analysis/syntax';

export function connectionStringHover(tree: Tree, document: TextDocument, offset: number): Hover | undefined {
  let node = tree.rootNode.descendantForIndex(offset);
  for (let depth = 0; node && node.type !== 'string' && depth < 3; depth++) {
    node = node.parent;
  }
  const literal = node ? stringLiteral(node) : undefined;
  if (!node || !literal || literal.interpolated || !isConnectionStringText(literal.value)) {
    return undefined;
  }
  return {
    contents: { kind: 'markdown', value: describeConnectionString(literal.value) },
    range: { start: document.positionAt(node.startIndex), end: document.positionAt(node.endIndex) },
  };
}
