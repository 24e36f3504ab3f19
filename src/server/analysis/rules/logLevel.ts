/**
 * Rule logLevel: `logger.info()`/`logger.debug()` on a logger whose records go to Azure Monitor
 * (an AzureLogHandler is added, or configure_azure_monitor() is called and the logger comes from
 * logging.getLogger) while nothing lowers its level below WARNING. Python's default level is
 * WARNING, so those records are dropped before any handler sees them: they are never exported.
 */
import * as l10n from '@vscode/l10n';
import type { Node } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import { detectEol, ensureImport, nextLineOffset, statementLines } from '../editHelpers';
import type { Finding } from '../findings';
import type { RuleContext } from '../ruleContext';
import {
  argumentValue,
  calleeLastName,
  calleeName,
  enclosingStatement,
  keywordArgument,
  positionalArguments,
  stringLiteral,
} from '../syntax';

const AZURE_HANDLERS = new Set(['AzureLogHandler', 'AzureEventHandler']);
const LOW_LEVEL_METHODS: Readonly<Record<string, string>> = { info: 'INFO', debug: 'DEBUG' };
const LEVEL_NUMBERS: Readonly<Record<string, number>> = {
  NOTSET: 0,
  DEBUG: 10,
  INFO: 20,
  WARN: 30,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
  FATAL: 50,
};

type Level = 'low' | 'high' | 'notset' | 'unknown';

/** How a logger reaches Azure Monitor, and the statement after which its level should be set. */
interface ExportedLogger {
  readonly anchor: Node;
  readonly via: 'AzureLogHandler' | 'configure_azure_monitor';
}

export function checkLogLevels({ syntax, text, withFixes = true }: RuleContext): Finding[] {
  // logging.config.dictConfig/fileConfig may set any level: stay quiet rather than guess.
  if (syntax.calls.some((call) => /(^|\.)(dictConfig|fileConfig)$/.test(calleeName(call) ?? ''))) {
    return [];
  }
  const exported = exportedLoggers(syntax.calls, syntax.assignments);
  if (exported.size === 0) {
    return [];
  }
  const levels = new Map<string, Level>();
  let rootLow = false;
  for (const call of syntax.calls) {
    const name = calleeName(call);
    if (name === 'logging.basicConfig') {
      const level = keywordArgument(call, 'level')?.childForFieldName('value');
      rootLow ||= level !== undefined && level !== null && isLowOrUnknown(levelOf(level));
      continue;
    }
    if (calleeLastName(call) !== 'setLevel') {
      continue;
    }
    const target = receiverKey(call);
    const arg = positionalArguments(call)[0];
    if (target === undefined || arg === undefined) {
      continue;
    }
    const level = levelOf(arg);
    if (target === 'logging.getLogger()' || target === 'logging.root') {
      rootLow ||= isLowOrUnknown(level);
    }
    const previous = levels.get(target);
    levels.set(target, previous !== undefined && isLowOrUnknown(previous) ? previous : level);
  }

  const findings: Finding[] = [];
  for (const call of syntax.calls) {
    const receiver = receiverKey(call);
    const logger = receiver !== undefined ? exported.get(receiver) : undefined;
    if (!logger || receiver === undefined) {
      continue;
    }
    const requiredLevel = recordLevel(call);
    if (!requiredLevel) {
      continue;
    }
    const level = levels.get(receiver);
    if ((level !== undefined && isLowOrUnknown(level)) || ((level === undefined || level === 'notset') && rootLow)) {
      continue;
    }
    const method = calleeLastName(call);
    const where =
      logger.via === 'AzureLogHandler' ? l10n.t('AzureLogHandler never sees it') : l10n.t('configure_azure_monitor() never exports it');
    findings.push({
      rule: 'logLevel',
      code: DIAGNOSTIC_CODES.logLevelFiltersExport,
      severity: 'warning',
      message: l10n.t(
        "{0}.{1}() is below WARNING, the default level of a Python logger: the record is dropped and {2}. Set the logger's level, e.g. {0}.setLevel(logging.{3}).",
        receiver,
        method ?? '',
        where,
        requiredLevel,
      ),
      start: call.childForFieldName('function')?.startIndex ?? call.startIndex,
      end: call.childForFieldName('function')?.endIndex ?? call.endIndex,
      fixes: withFixes
        ? [
            {
              kind: 'edit',
              title: l10n.t('Add {0}.setLevel(logging.{1})', receiver, requiredLevel),
              edits: [...importLoggingIfNeeded(syntax.imports, text), insertSetLevel(text, logger.anchor, receiver, requiredLevel)],
              preferred: true,
            },
          ]
        : [],
    });
  }
  return findings;
}

function exportedLoggers(calls: readonly Node[], assignments: readonly Node[]): Map<string, ExportedLogger> {
  const handlerVariables = new Set<string>();
  const loggerAssignments: Node[] = [];
  for (const assignment of assignments) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' && left?.type !== 'attribute') {
      continue;
    }
    if (right?.type === 'call' && AZURE_HANDLERS.has(calleeLastName(right) ?? '')) {
      handlerVariables.add(left.text);
    }
    if (right?.type === 'call' && /^(logging\.)?getLogger$/.test(calleeName(right) ?? '')) {
      loggerAssignments.push(assignment);
    }
  }
  const exported = new Map<string, ExportedLogger>();
  for (const call of calls) {
    if (calleeLastName(call) !== 'addHandler') {
      continue;
    }
    const handler = positionalArguments(call)[0];
    const isAzure =
      (handler?.type === 'call' && AZURE_HANDLERS.has(calleeLastName(handler) ?? '')) ||
      ((handler?.type === 'identifier' || handler?.type === 'attribute') && handlerVariables.has(handler.text));
    const receiver = receiverKey(call);
    if (isAzure && receiver !== undefined && !exported.has(receiver)) {
      exported.set(receiver, { anchor: enclosingStatement(call), via: 'AzureLogHandler' });
    }
  }
  if (calls.some((call) => calleeLastName(call) === 'configure_azure_monitor')) {
    for (const assignment of loggerAssignments) {
      const name = assignment.childForFieldName('left')?.text;
      if (name !== undefined && !exported.has(name)) {
        exported.set(name, { anchor: enclosingStatement(assignment), via: 'configure_azure_monitor' });
      }
    }
  }
  return exported;
}

/** `logger` for `logger.info(...)`; the receiver's text without spaces. */
function receiverKey(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : undefined;
  return object ? object.text.replace(/\s+/g, '') : undefined;
}

/** The level name a record needs the logger to allow (INFO/DEBUG), or undefined when it is WARNING or above. */
function recordLevel(call: Node): string | undefined {
  const method = calleeLastName(call) ?? '';
  if (method in LOW_LEVEL_METHODS) {
    return LOW_LEVEL_METHODS[method];
  }
  if (method === 'log') {
    const levelNode = argumentValue(call, 'level', 0);
    const name = levelNode ? levelName(levelNode) : undefined;
    return name === 'DEBUG' || name === 'INFO' ? name : undefined;
  }
  return undefined;
}

function levelName(node: Node): string | undefined {
  if (node.type === 'identifier' || node.type === 'attribute') {
    const last = node.text.slice(node.text.lastIndexOf('.') + 1);
    return last in LEVEL_NUMBERS ? last : undefined;
  }
  if (node.type === 'integer') {
    const value = Number(node.text);
    return (
      Object.keys(LEVEL_NUMBERS).find((name) => LEVEL_NUMBERS[name] === value) ?? (value < 20 ? 'DEBUG' : value < 30 ? 'INFO' : 'WARNING')
    );
  }
  const literal = stringLiteral(node);
  return literal && literal.value.toUpperCase() in LEVEL_NUMBERS ? literal.value.toUpperCase() : undefined;
}

function levelOf(node: Node): Level {
  const name = levelName(node);
  if (name === undefined) {
    return 'unknown';
  }
  const value = node.type === 'integer' ? Number(node.text) : LEVEL_NUMBERS[name];
  return value === 0 ? 'notset' : value < 30 ? 'low' : 'high';
}

function isLowOrUnknown(level: Level): boolean {
  return level === 'low' || level === 'unknown';
}

function insertSetLevel(text: string, anchor: Node, receiver: string, level: string): { offset: number; length: number; newText: string } {
  const { indent } = statementLines(text, anchor);
  const offset = nextLineOffset(text, anchor.endIndex);
  const eol = detectEol(text);
  const needsBreak = offset === text.length && !/[\r\n]$/.test(text);
  return { offset, length: 0, newText: `${needsBreak ? eol : ''}${indent}${receiver}.setLevel(logging.${level})${needsBreak ? '' : eol}` };
}

function importLoggingIfNeeded(imports: readonly Node[], text: string): { offset: number; length: number; newText: string }[] {
  const hasLogging = imports.some(
    (statement) => statement.type === 'import_statement' && /\blogging\b/.test(statement.text) && !/\blogging\s+as\b/.test(statement.text),
  );
  return hasLogging ? [] : ensureImport(text, 'import logging');
}
