/**
 * Runs the enabled rules over a parsed file. Pure: no LSP, no I/O; the server and the tests call it.
 */
import type { Tree } from 'web-tree-sitter';
import { DEFAULT_DIAGNOSTICS_SETTINGS, DiagnosticRule, DiagnosticsSettings } from '../../shared/serverProtocol';
import type { Finding } from './findings';
import type { Rule } from './ruleContext';
import { checkConfigureOrder } from './rules/configureOrder';
import { checkConnectionStringArguments } from './rules/connectionStringArgument';
import { checkHardCodedConnectionStrings } from './rules/hardCodedConnectionString';
import { checkInstrumentationKeys } from './rules/instrumentationKey';
import { checkLogLevels } from './rules/logLevel';
import { checkOpenCensus } from './rules/openCensusRetired';
import { checkSamplerRates } from './rules/samplerRate';
import { indexSyntax } from './syntax';

const RULES: Readonly<Record<DiagnosticRule, Rule>> = {
  hardCodedConnectionString: checkHardCodedConnectionStrings,
  instrumentationKey: checkInstrumentationKeys,
  openCensus: checkOpenCensus,
  samplerRate: checkSamplerRates,
  logLevel: checkLogLevels,
  configureOrder: checkConfigureOrder,
  connectionStringArgument: checkConnectionStringArguments,
};

export function analyse(tree: Tree, text: string, settings: DiagnosticsSettings = DEFAULT_DIAGNOSTICS_SETTINGS): Finding[] {
  const syntax = indexSyntax(tree, text);
  const findings: Finding[] = [];
  for (const [rule, check] of Object.entries(RULES) as [DiagnosticRule, Rule][]) {
    if (settings[rule]) {
      findings.push(...check({ syntax, text, settings }));
    }
  }
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}
