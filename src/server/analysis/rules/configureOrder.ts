/**
 * Rule configureOrder: configure_azure_monitor() called after the web app object exists. The
 * distro instruments Flask and FastAPI by patching the classes, and Django when the WSGI/ASGI app
 * is built, so an app created first is not traced. The fix moves the call (and its import, when
 * that sits between the two) above the statement that creates the app.
 */
import * as l10n from '@vscode/l10n';
import type { Node } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import { detectEol, statementLines } from '../editHelpers';
import type { Finding, Fix, OffsetEdit } from '../findings';
import type { RuleContext } from '../ruleContext';
import { calleeLastName, enclosingFunction, enclosingStatement, positionalArguments, sameNode } from '../syntax';

const APP_FACTORIES = new Set(['Flask', 'FastAPI', 'get_wsgi_application', 'get_asgi_application']);
/** Explicit instrumentation of an existing app makes the order irrelevant. */
const EXPLICIT_INSTRUMENTATION = new Set(['instrument_app']);

export function checkConfigureOrder({ syntax, text, withFixes = true }: RuleContext): Finding[] {
  const appCreations = syntax.calls.filter((call) => APP_FACTORIES.has(calleeLastName(call) ?? ''));
  if (appCreations.length === 0) {
    return [];
  }
  const explicitlyInstrumented = new Set(
    syntax.calls
      .filter((call) => EXPLICIT_INSTRUMENTATION.has(calleeLastName(call) ?? ''))
      .map((call) => positionalArguments(call)[0]?.text)
      .filter((name): name is string => name !== undefined),
  );
  const findings: Finding[] = [];
  for (const configure of syntax.calls) {
    if (calleeLastName(configure) !== 'configure_azure_monitor') {
      continue;
    }
    const scope = enclosingFunction(configure);
    const app = appCreations.find((creation) => {
      const creationScope = enclosingFunction(creation);
      return creation.endIndex <= configure.startIndex && (creationScope === undefined || sameNode(creationScope, scope));
    });
    if (!app || explicitlyInstrumented.has(assignedName(app) ?? '\0')) {
      continue;
    }
    const appStatement = enclosingStatement(app);
    const appLine = lineNumber(text, app.startIndex);
    findings.push({
      rule: 'configureOrder',
      code: DIAGNOSTIC_CODES.configureAfterAppCreated,
      severity: 'warning',
      message: l10n.t(
        "configure_azure_monitor() runs after the app is created by {0}() on line {1}: the distro instruments apps created after it, so this app's requests are not traced. Call configure_azure_monitor() first.",
        calleeLastName(app) ?? '',
        appLine,
      ),
      start: configure.startIndex,
      end: configure.endIndex,
      fixes: withFixes ? moveFix(syntax.imports, text, configure, appStatement) : [],
    });
  }
  return findings;
}

function moveFix(imports: readonly Node[], text: string, configure: Node, appStatement: Node): Fix[] {
  const statement = configure.parent;
  if (statement?.type !== 'expression_statement' || !statement.parent) {
    return [];
  }
  const block = statement.parent;
  const siblings = block.namedChildren.filter((n) => n && n.type !== 'comment');
  if (block.type === 'block' && siblings.length === 1) {
    return []; // moving it would leave an empty block
  }
  const eol = detectEol(text);
  const target = statementLines(text, appStatement);
  const moved: string[] = [];
  const edits: OffsetEdit[] = [];
  // The import of configure_azure_monitor, if it sits between the app and the call, moves too.
  const importBetween = imports.find(
    (node) =>
      node.startIndex > appStatement.endIndex && node.endIndex < statement.startIndex && /\bconfigure_azure_monitor\b/.test(node.text),
  );
  for (const node of importBetween ? [importBetween, statement] : [statement]) {
    const lines = statementLines(text, node);
    edits.push({ offset: lines.start, length: lines.end - lines.start, newText: '' });
    moved.push(reindent(text.slice(node.startIndex, node.endIndex), lines.indent, target.indent));
  }
  edits.push({ offset: target.start, length: 0, newText: moved.map((code) => `${target.indent}${code}${eol}`).join('') });
  return [{ kind: 'edit', title: l10n.t('Move configure_azure_monitor() above the app creation'), edits, preferred: true }];
}

/** Continuation lines keep their position relative to the statement's new indentation. */
function reindent(code: string, from: string, to: string): string {
  return code.replace(
    /(\r?\n)([ \t]*)/g,
    (_match, eol: string, spaces: string) => eol + (spaces.startsWith(from) ? to + spaces.slice(from.length) : spaces),
  );
}

function assignedName(call: Node): string | undefined {
  const parent = call.parent;
  return parent?.type === 'assignment' ? parent.childForFieldName('left')?.text : undefined;
}

function lineNumber(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
  }
  return line;
}
