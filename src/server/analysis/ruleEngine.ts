/**
 * Runs the enabled rules over a parsed file. Pure: no LSP, no I/O; the server and the tests call it.
 *
 * `analyse` runs every rule over the whole file (findings with their fixes: code actions use it).
 * `analyseStatement` runs the rules `planStatement` picked from a top-level statement's text over
 * that statement, for the server's per-statement diagnostics (`statementTable.ts`): most rules judge
 * each node on its own, so a file's findings are the union of its statements'. The three rules that look across statements say, per statement,
 * whether it holds something their verdict may depend on elsewhere in the file (`needsWholeFile`);
 * without such a statement anywhere, their per-statement findings are exact too.
 */
import type { Node, Tree } from 'web-tree-sitter';
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

const RULE_ENTRIES = Object.entries(RULES) as [DiagnosticRule, Rule][];

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

/**
 * Per rule, what a top-level statement's source text must contain for the rule to report anything
 * within that statement (text, not the tree: no WebAssembly calls). Most statements contain none of
 * these words, and their rules are skipped without indexing their nodes. What a rule reports on
 * carries its word in the statement's text: a connection string literal holds `InstrumentationKey`,
 * a bare key GUID is given to a name like `instrumentation_key`/`IKEY`, sampler rules look at the
 * callee's name, connectionStringArgument at a `connection_string=` keyword, and so on. OpenCensus
 * middleware strings are read without their f-string interpolations, so any `{` may hide the word.
 * `statementTriggers.test.ts` checks that a rule never reports in a statement its pattern skips.
 */
export const STATEMENT_TRIGGERS: Readonly<Record<DiagnosticRule, RegExp>> = {
  hardCodedConnectionString: /instrumentation|ikey/i,
  instrumentationKey: /instrumentation/i,
  openCensus: /opencensus|\{/,
  samplerRate: /ProbabilitySampler|ApplicationInsightsSampler|configure_azure_monitor/,
  logLevel: /configure_azure_monitor|addHandler/,
  configureOrder: /configure_azure_monitor/,
  connectionStringArgument: /connection_string/,
};

type CandidateKind = 'calls' | 'strings' | 'imports';

/**
 * Per rule that judges each node on its own (within a statement): the nodes it may report on, by
 * kind, are those whose own text matches the pattern; kinds not listed are not read at all. A
 * connection string literal's text holds `InstrumentationKey` (its value is its text between the
 * quotes, escapes as written), a bare key is a GUID, a sampler call names the sampler, a
 * `connection_string=`/`instrumentation_key=` keyword is inside its call. Per statement, each rule
 * then sees only those nodes (`assignments` stay whole: connectionStringArgument follows names).
 * configureOrder and logLevel look across nodes and get the whole index (they never run per
 * statement anyway: their statement trigger is their whole-file trigger).
 */
const CANDIDATE_NODES: Partial<Readonly<Record<DiagnosticRule, Partial<Readonly<Record<CandidateKind, RegExp>>>>>> = {
  hardCodedConnectionString: { strings: /instrumentationkey|[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}/i },
  instrumentationKey: { calls: /instrumentation_key/, strings: /instrumentationkey/i },
  openCensus: { imports: /opencensus/, strings: /opencensus|\{/ },
  samplerRate: { calls: STATEMENT_TRIGGERS.samplerRate },
  connectionStringArgument: { calls: /connection_string/ },
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

/** The enabled rules (or only `only`) over an index; sorted by range. Without fixes when `withFixes` is false. */
export function analyseIndex(
  syntax: SyntaxIndex,
  text: string,
  settings: DiagnosticsSettings,
  only?: ReadonlySet<DiagnosticRule>,
  withFixes = true,
): Finding[] {
  const findings: Finding[] = [];
  for (const [rule, check] of Object.entries(RULES) as [DiagnosticRule, Rule][]) {
    if (settings[rule] && (!only || only.has(rule))) {
      findings.push(...check({ syntax, text, settings, withFixes }));
    }
  }
  return findings.sort(compareFindings);
}

export interface StatementPlan {
  /** The statement's source text. */
  readonly source: string;
  /** Enabled rules that may report within the statement (its text holds their trigger), except `wholeFile`. */
  readonly rules: ReadonlySet<DiagnosticRule>;
  /** Enabled rules that must run over the whole file because of something in this statement. */
  readonly wholeFile: readonly DiagnosticRule[];
}

/** What one top-level statement (whose source text is `source`) needs, decided from its text alone. */
export function planStatement(source: string, settings: DiagnosticsSettings): StatementPlan {
  const wholeFile = (Object.keys(WHOLE_FILE_TRIGGERS) as DiagnosticRule[]).filter(
    (rule) => settings[rule] && WHOLE_FILE_TRIGGERS[rule]!(source),
  );
  const rules = new Set(
    DIAGNOSTIC_RULES.filter((rule) => settings[rule] && !wholeFile.includes(rule) && STATEMENT_TRIGGERS[rule].test(source)),
  );
  return { source, rules, wholeFile };
}

/**
 * Findings (without fixes) of the plan's rules; `syntax` indexes the statement (`syntax.root`).
 * Each rule sees only its candidate nodes (`CANDIDATE_NODES`): fewer WebAssembly calls per node.
 */
export function analyseStatement(syntax: SyntaxIndex, text: string, settings: DiagnosticsSettings, plan: StatementPlan): Finding[] {
  if (plan.rules.size === 0) {
    return [];
  }
  // A node's text is read once (`endIndex` is a WebAssembly call), whichever rules ask for it.
  const texts = new Map<Node, string>();
  const textOf = (node: Node): string => {
    let source = texts.get(node);
    if (source === undefined) {
      source = text.slice(node.startIndex, node.endIndex);
      texts.set(node, source);
    }
    return source;
  };
  // A node's text is part of the statement's: a word missing there is in none of its nodes.
  const pick = (nodes: readonly Node[], word: RegExp | undefined): Node[] =>
    word && word.test(plan.source) ? nodes.filter((node) => word.test(textOf(node))) : [];
  const findings: Finding[] = [];
  for (const [rule, check] of RULE_ENTRIES) {
    if (plan.rules.has(rule)) {
      const only = CANDIDATE_NODES[rule];
      const candidates: SyntaxIndex = only
        ? {
            ...syntax,
            calls: pick(syntax.calls, only.calls),
            strings: pick(syntax.strings, only.strings),
            imports: pick(syntax.imports, only.imports),
          }
        : syntax;
      findings.push(...check({ syntax: candidates, text, settings, withFixes: false }));
    }
  }
  return findings.sort(compareFindings);
}
