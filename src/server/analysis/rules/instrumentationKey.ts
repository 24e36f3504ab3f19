/**
 * Rule instrumentationKey: `instrumentation_key=` arguments, and connection strings that carry only
 * an InstrumentationKey. Instrumentation-key ingestion support ended on 31 March 2025; a full
 * connection string (with IngestionEndpoint) is the supported way.
 */
import * as l10n from '@vscode/l10n';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import { removeArgument } from '../editHelpers';
import type { Finding } from '../findings';
import { secretLiteral } from '../connectionStringLiterals';
import type { RuleContext } from '../ruleContext';
import { argumentNodes } from '../syntax';

const ENDPOINT_KEYS = /(^|;)\s*(ingestionendpoint|endpointsuffix)\s*=/i;

export function checkInstrumentationKeys({ syntax, withFixes = true }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const call of syntax.calls) {
    for (const arg of argumentNodes(call)) {
      if (arg.type !== 'keyword_argument' || arg.childForFieldName('name')?.text !== 'instrumentation_key') {
        continue;
      }
      findings.push({
        rule: 'instrumentationKey',
        code: DIAGNOSTIC_CODES.instrumentationKeyArgument,
        severity: 'warning',
        message: l10n.t(
          'instrumentation_key= is deprecated: instrumentation-key ingestion support ended on 31 March 2025. Use a connection string with IngestionEndpoint, and let the SDK read it from APPLICATIONINSIGHTS_CONNECTION_STRING.',
        ),
        start: arg.startIndex,
        end: arg.endIndex,
        fixes: withFixes
          ? [
              {
                kind: 'edit',
                title: l10n.t('Remove {0}= (use APPLICATIONINSIGHTS_CONNECTION_STRING)', 'instrumentation_key'),
                edits: [removeArgument(arg)],
                preferred: true,
              },
            ]
          : [],
        deprecated: true,
      });
    }
  }
  for (const node of syntax.strings) {
    const secret = secretLiteral(node);
    if (secret?.kind !== 'connection-string' || ENDPOINT_KEYS.test(secret.value)) {
      continue;
    }
    findings.push({
      rule: 'instrumentationKey',
      code: DIAGNOSTIC_CODES.instrumentationKeyOnly,
      severity: 'warning',
      message: l10n.t(
        'This connection string has only an InstrumentationKey: instrumentation-key ingestion support ended on 31 March 2025. Copy the full connection string (with IngestionEndpoint) from the Overview page of your Application Insights resource.',
      ),
      start: node.startIndex,
      end: node.endIndex,
      fixes: [],
    });
  }
  return findings;
}
