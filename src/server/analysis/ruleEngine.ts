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
import { checkConnectionStringArguments } from './rules/connectionStringArgument';
import { checkHardCodedConnectionStrings } from './rules/hardCodedConnectionString';
import { checkInstrumentationKeys } from './rules/instrumentationKey';
import { checkLogLevels } from './rules/logLevel';
import { checkOpenCensus } from './rules/openCensusRetired';
import { checkSamplerRates } from './rules/samplerRate';
import { indexSyntax, SyntaxIndex } from './syntax';

const RULES: Readonly<Record<DiagnosticRule, Rule>> = {
  hardCodedConnectionString: checkHardCodedConnectionStrings,
  instrumentationKey: checkInstrumentationKeys,
  openCensus: checkOpenCensus,
  samplerRate: checkSamplerRates,
  logLevel: checkLogLevels,
  configureOrder: checkConfigureOrder,
  connectionStringArgument: checkConnectionStringArguments,
};

/**
 * Rules whose verdict on one statement can depend on others, and, from a statement's source text,
 * whether it may hold what makes it so (text, not the tree: no WebAssembly calls; a false "yes" only
 * costs a whole-file run). configureOrder only reports configure_azure_monitor() calls; logLevel only
 * loggers made exported by addHandler(AzureLogHandler) or configure_azure_monitor();
 * connectionStringArgument follows variables only for a `connection_string=` value that does not
 * start with a string literal (a value starting with one never names a variable it looks up).
 */
const WHOLE_FILE_TRIGGERS: Partial<Readonly<Record<DiagnosticRule, (source: string) => boolean>>> = {
  configureOrder: (source) => source.includes('configure_azure_monitor'),
  logLevel: (source) => source.includes('configure_azure_monitor') || source.includes('addHandler'),
  connectionStringArgument: (source) => /\bconnection_string\s*=(?!\s*[rRuUbBfF]{0,2}["'])/.test(source),
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

/** `syntax` indexes one top-level statement (`syntax.root`, whose text is `source`). */
export function analyseStatement(syntax: SyntaxIndex, source: string, text: string, settings: DiagnosticsSettings): StatementAnalysis {
  const wholeFile = (Object.keys(WHOLE_FILE_TRIGGERS) as DiagnosticRule[]).filter(
    (rule) => settings[rule] && WHOLE_FILE_TRIGGERS[rule]!(source),
  );
  const findings = analyseIndex(syntax, text, settings).filter((finding) => !wholeFile.includes(finding.rule));
  return { findings, wholeFile };
}
