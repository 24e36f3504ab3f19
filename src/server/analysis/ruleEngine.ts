/**
 * Runs the enabled rules over a parsed file. Pure: no LSP, no I/O; the server and the tests call it.
 *
 * `analyse` runs every rule over the whole file (findings with their fixes: code actions use it).
 * `analyseStatement` runs them over one top-level statement, for the server's per-statement
 * diagnostics (`statementTable.ts`): most rules judge each node on its own, so a file's findings are
 * the union of its statements'. The three rules that look across statements say, per statement,
 * whether it holds something their verdict may depend on elsewhere in the file (`needsWholeFile`);
 * without such a statement anywhere, their per-statement findings are exact too.
 */
import type { Tree } from 'web-tree-sitter';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DIAGNOSTIC_RULES, DiagnosticRule, DiagnosticsSettings } from '../../shared/serverProtocol';
import type { Finding } from './findings';
import type { Rule } from './ruleContext';
import { checkConfigureOrder } from './rules/configureOrder';
import { checkConnectionStringArguments, connectionStringArgumentNeedsWholeFile } from './rules/connectionStringArgument';
import { checkHardCodedConnectionStrings } from './rules/hardCodedConnectionString';
import { checkInstrumentationKeys } from './rules/instrumentationKey';
import { checkLogLevels } from './rules/logLevel';
import { checkOpenCensus } from './rules/openCensusRetired';
import { checkSamplerRates } from './rules/samplerRate';
import { calleeLastName, indexSyntax, SyntaxIndex } from './syntax';

const RULES: Readonly<Record<DiagnosticRule, Rule>> = {
  hardCodedConnectionString: checkHardCodedConnectionStrings,
  instrumentationKey: checkInstrumentationKeys,
  openCensus: checkOpenCensus,
  samplerRate: checkSamplerRates,
  logLevel: checkLogLevels,
  configureOrder: checkConfigureOrder,
  connectionStringArgument: checkConnectionStringArguments,
};

const callsAny =
  (names: ReadonlySet<string>) =>
  (syntax: SyntaxIndex): boolean =>
    syntax.calls.some((call) => names.has(calleeLastName(call) ?? ''));

/**
 * Rules whose verdict on one statement can depend on others, and the statements that make it so.
 * configureOrder only reports configure_azure_monitor() calls; logLevel only loggers made exported
 * by addHandler(AzureLogHandler) or configure_azure_monitor(); connectionStringArgument follows
 * variables only when the value is not a string literal.
 */
const WHOLE_FILE_TRIGGERS: Partial<Readonly<Record<DiagnosticRule, (syntax: SyntaxIndex) => boolean>>> = {
  configureOrder: callsAny(new Set(['configure_azure_monitor'])),
  logLevel: callsAny(new Set(['configure_azure_monitor', 'addHandler'])),
  connectionStringArgument: connectionStringArgumentNeedsWholeFile,
};

/** The order `analyse` reports findings that share a range in. */
export const RULE_ORDER: Readonly<Record<DiagnosticRule, number>> = Object.fromEntries(
  DIAGNOSTIC_RULES.map((rule) => [rule, Object.keys(RULES).indexOf(rule)]),
) as Record<DiagnosticRule, number>;

export function compareFindings(a: Finding, b: Finding): number {
  return a.start - b.start || a.end - b.end || RULE_ORDER[a.rule] - RULE_ORDER[b.rule];
}

export function analyse(tree: Tree, text: string, settings: DiagnosticsSettings = DEFAULT_DIAGNOSTICS_SETTINGS): Finding[] {
  return analyseIndex(indexSyntax(tree, text), text, settings);
}

/** The enabled rules (or only `only`) over an index; sorted by range. */
export function analyseIndex(
  syntax: SyntaxIndex,
  text: string,
  settings: DiagnosticsSettings,
  only?: ReadonlySet<DiagnosticRule>,
): Finding[] {
  const findings: Finding[] = [];
  for (const [rule, check] of Object.entries(RULES) as [DiagnosticRule, Rule][]) {
    if (settings[rule] && (!only || only.has(rule))) {
      findings.push(...check({ syntax, text, settings }));
    }
  }
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}

export interface StatementAnalysis {
  /** Findings of the enabled rules within the statement, except those in `wholeFile`. */
  readonly findings: readonly Finding[];
  /** Enabled rules that must run over the whole file because of something in this statement. */
  readonly wholeFile: readonly DiagnosticRule[];
}

export function analyseStatement(syntax: SyntaxIndex, text: string, settings: DiagnosticsSettings): StatementAnalysis {
  const wholeFile = (Object.keys(WHOLE_FILE_TRIGGERS) as DiagnosticRule[]).filter(
    (rule) => settings[rule] && WHOLE_FILE_TRIGGERS[rule]!(syntax),
  );
  const findings = analyseIndex(syntax, text, settings).filter((finding) => !wholeFile.includes(finding.rule));
  return { findings, wholeFile };
}
