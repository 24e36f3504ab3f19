/**
 * Rule connectionStringArgument: an exporter, handler or configure_azure_monitor() given
 * `connection_string=`. Whatever the value, it overrides APPLICATIONINSIGHTS_CONNECTION_STRING, so
 * the extension's local relay (and production's setting) is bypassed. A literal connection string
 * there is reported by hardCodedConnectionString instead (same fix), unless that rule is off.
 */
import * as l10n from '@vscode/l10n';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import { isConnectionStringText } from '../connectionStringLiterals';
import { removeArgument } from '../editHelpers';
import type { Finding } from '../findings';
import type { RuleContext } from '../ruleContext';
import { calleeLastName, keywordArgument, stringLiteral } from '../syntax';

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

export function checkConnectionStringArguments({ syntax, settings }: RuleContext): Finding[] {
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
    if (value.text.includes('APPLICATIONINSIGHTS_CONNECTION_STRING')) {
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
      fixes: [{ kind: 'edit', title: l10n.t('Remove {0}= (use APPLICATIONINSIGHTS_CONNECTION_STRING)', 'connection_string'), edits: [removeArgument(arg)], preferred: true }],
    });
  }
  return findings;
}
