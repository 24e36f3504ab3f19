/**
 * Rule connectionStringArgument: an exporter, handler or configure_azure_monitor() given
 * `connection_string=`. Whatever the value, it overrides APPLICATIONINSIGHTS_CONNECTION_STRING, so
 * the extension's local relay (and production's setting) is bypassed. A literal connection string
 * there is reported by hardCodedConnectionString instead (same fix), unless that rule is off.
 * A value read from APPLICATIONINSIGHTS_CONNECTION_STRING itself (`os.environ[...]`, `os.getenv(...)`,
 * `os.environ.get(...)`, directly or through variables assigned only such reads) is harmless and not
 * reported; everything else (literals, other variables, config files, other environment variables) is.
 */
import * as l10n from '@vscode/l10n';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import { isConnectionStringText } from '../connectionStringLiterals';
import { removeArgument } from '../editHelpers';
import type { Finding } from '../findings';
import type { RuleContext } from '../ruleContext';
import type { Node } from 'web-tree-sitter';
import type { SyntaxIndex } from '../syntax';
import { calleeName, calleeLastName, dottedText, enclosingFunction, keywordArgument, positionalArguments, stringLiteral } from '../syntax';

const TARGETS = new Set([
  'AzureExporter',
  'AzureLogHandler',
  'AzureEventHandler',
  'new_metrics_exporter',
  'configure_azure_monitor',
  'AzureMonitorTraceExporter',
  'AzureMonitorLogExporter',
  'AzureMonitorMetricExporter',
]);

export function checkConnectionStringArguments({ syntax, settings, withFixes = true }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const call of syntax.calls) {
    const callee = calleeLastName(call);
    if (callee === undefined || !TARGETS.has(callee)) {
      continue;
    }
    const arg = keywordArgument(call, 'connection_string');
    const value = arg?.childForFieldName('value');
    if (!arg || !value) {
      continue;
    }
    // Reading the very variable the SDK would read anyway is harmless.
    if (readsConnectionStringVariable(value, syntax)) {
      continue;
    }
    const literal = stringLiteral(value);
    if (settings.hardCodedConnectionString && literal && !literal.interpolated && isConnectionStringText(literal.value)) {
      continue;
    }
    findings.push({
      rule: 'connectionStringArgument',
      code: DIAGNOSTIC_CODES.connectionStringArgument,
      severity: 'warning',
      message: l10n.t(
        'connection_string= overrides APPLICATIONINSIGHTS_CONNECTION_STRING: {0}() then bypasses the local relay the extension points the variable at (and your production setting). Remove it and let the SDK read the environment variable.',
        callee,
      ),
      start: arg.startIndex,
      end: arg.endIndex,
      fixes: withFixes
        ? [
            {
              kind: 'edit',
              title: l10n.t('Remove {0}= (use APPLICATIONINSIGHTS_CONNECTION_STRING)', 'connection_string'),
              edits: [removeArgument(arg)],
              preferred: true,
            },
          ]
        : [],
    });
  }
  return findings;
}

const ENVIRONMENT_VARIABLE = 'APPLICATIONINSIGHTS_CONNECTION_STRING';
const GETTERS = new Set(['os.getenv', 'getenv', 'os.environ.get', 'environ.get']);
const MAPPINGS = new Set(['os.environ', 'environ']);
/** How many variable hops are followed (`a = b`, `b = os.getenv(...)`); deeper chains count as unknown. */
const MAX_HOPS = 4;

/**
 * Whether `value` is a read of APPLICATIONINSIGHTS_CONNECTION_STRING, directly or through local
 * names whose every assignment in the file is one. Unknown or mixed origins count as "no".
 */
function readsConnectionStringVariable(value: Node, syntax: SyntaxIndex, hops = 0, seen = new Set<string>()): boolean {
  switch (value.type) {
    case 'parenthesized_expression': {
      const inner = value.namedChildren.find((n) => n && n.type !== 'comment');
      return !!inner && readsConnectionStringVariable(inner, syntax, hops, seen);
    }
    case 'boolean_operator': {
      // `os.getenv(NAME) or "fallback"`: the environment wins whenever the extension set it.
      const left = value.childForFieldName('left');
      return value.childForFieldName('operator')?.text === 'or' && !!left && readsConnectionStringVariable(left, syntax, hops, seen);
    }
    case 'call': {
      const callee = calleeName(value);
      const name = positionalArguments(value)[0] ?? keywordArgument(value, 'key')?.childForFieldName('value') ?? undefined;
      return callee !== undefined && GETTERS.has(callee) && !!name && namesTheVariable(name, syntax, hops, seen);
    }
    case 'subscript': {
      const mapping = value.childForFieldName('value');
      const name = value.childForFieldName('subscript');
      return !!mapping && MAPPINGS.has(dottedText(mapping) ?? '') && !!name && namesTheVariable(name, syntax, hops, seen);
    }
    case 'identifier': {
      const sources = assignedValues(value.text, syntax);
      if (sources.length === 0 || hops >= MAX_HOPS || seen.has(value.text) || isParameter(value)) {
        return false;
      }
      const next = new Set(seen).add(value.text);
      return sources.every((source) => readsConnectionStringVariable(source, syntax, hops + 1, next));
    }
    default:
      return false;
  }
}

/** Whether `node` is the string "APPLICATIONINSIGHTS_CONNECTION_STRING" or a name assigned only that. */
function namesTheVariable(node: Node, syntax: SyntaxIndex, hops: number, seen: Set<string>): boolean {
  const literal = stringLiteral(node);
  if (literal) {
    return !literal.interpolated && literal.value === ENVIRONMENT_VARIABLE;
  }
  if (node.type !== 'identifier' || hops >= MAX_HOPS || seen.has(node.text)) {
    return false;
  }
  const sources = assignedValues(node.text, syntax);
  const next = new Set(seen).add(node.text);
  return sources.length > 0 && sources.every((source) => namesTheVariable(source, syntax, hops + 1, next));
}

/** A parameter of the function using it: its value comes from the caller, not from the assignments seen here. */
function isParameter(identifier: Node): boolean {
  const fn = enclosingFunction(identifier);
  const parameters = fn?.childForFieldName('parameters');
  if (!parameters) {
    return false;
  }
  return parameters.descendantsOfType('identifier').some((n) => n?.text === identifier.text);
}

/** Right-hand sides of every plain `name = …` in the file (any scope: a simple, conservative view). */
function assignedValues(name: string, syntax: SyntaxIndex): Node[] {
  const values: Node[] = [];
  for (const assignment of syntax.assignments) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === name) {
      // An annotation without a value (`cs: str`) assigns nothing; a chained `a = b = x` nests assignments.
      if (!right) {
        continue;
      }
      values.push(right.type === 'assignment' ? (innermostRight(right) ?? right) : right);
    }
  }
  return values;
}

function innermostRight(assignment: Node): Node | undefined {
  let right = assignment.childForFieldName('right');
  while (right?.type === 'assignment') {
    right = right.childForFieldName('right');
  }
  return right ?? undefined;
}
