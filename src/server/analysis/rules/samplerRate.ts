/**
 * Rule samplerRate: sampling rates written as literals. OpenCensus `ProbabilitySampler(rate)` and the
 * distro's `sampling_ratio=` take a fraction in [0, 1]; anything below 1.0 drops telemetry for good.
 */
import * as l10n from '@vscode/l10n';
import type { Node } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import type { Finding, Fix } from '../findings';
import type { RuleContext } from '../ruleContext';
import { argumentValue, calleeLastName, keywordArgument, numberLiteral } from '../syntax';

/** Callee → (keyword name, position) of its rate argument. */
const RATE_ARGUMENTS: Readonly<Record<string, readonly [string, number]>> = {
  ProbabilitySampler: ['rate', 0],
  ApplicationInsightsSampler: ['sampling_ratio', 0],
  configure_azure_monitor: ['sampling_ratio', -1],
};

export function checkSamplerRates({ syntax, withFixes = true }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const call of syntax.calls) {
    const callee = calleeLastName(call);
    const spec = callee !== undefined ? RATE_ARGUMENTS[callee] : undefined;
    if (!spec) {
      continue;
    }
    const valueNode =
      spec[1] >= 0 ? argumentValue(call, spec[0], spec[1]) : (keywordArgument(call, spec[0])?.childForFieldName('value') ?? undefined);
    const rate = valueNode ? numberLiteral(valueNode) : undefined;
    if (valueNode === undefined || rate === undefined || rate === 1) {
      continue;
    }
    const setToOne = (preferred: boolean): Fix => ({
      kind: 'edit',
      title: l10n.t('Sample everything (1.0)'),
      edits: [replaceWith(valueNode, '1.0')],
      preferred,
    });
    if (rate < 0 || rate > 1) {
      findings.push({
        rule: 'samplerRate',
        code: DIAGNOSTIC_CODES.samplerRateOutOfRange,
        severity: 'error',
        message: l10n.t(
          '{0} takes a sampling rate between 0 and 1 (1.0 keeps everything); {1} is outside that range.',
          callee ?? '',
          valueNode.text,
        ),
        start: valueNode.startIndex,
        end: valueNode.endIndex,
        fixes: withFixes ? [setToOne(true)] : [],
      });
    } else {
      const dropped = Math.round((1 - rate) * 1000) / 10;
      findings.push({
        rule: 'samplerRate',
        code: DIAGNOSTIC_CODES.samplerRateDropsTelemetry,
        severity: 'hint',
        message: l10n.t(
          'Sampling at {0}: about {1}% of traces are dropped before they are sent. Why it matters: sampled-out requests, dependencies and their logs are missing in the Azure portal (Transaction search, Application map, Failures) and in this panel, so a failing request may not be there when you look for it. Use 1.0 while developing.',
          valueNode.text,
          dropped,
        ),
        start: valueNode.startIndex,
        end: valueNode.endIndex,
        fixes: withFixes ? [setToOne(false)] : [],
      });
    }
  }
  return findings;
}

function replaceWith(node: Node, text: string): { offset: number; length: number; newText: string } {
  return { offset: node.startIndex, length: node.endIndex - node.startIndex, newText: text };
}
