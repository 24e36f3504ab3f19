/**
 * Hover text for a connection string literal: its parts as the SDKs will read them, the key
 * redacted (`1234…abcd`), and the parser's warnings (a trailing `;` or an upper-case GUID make the
 * Python SDKs reject the string).
 */
import * as l10n from '@vscode/l10n';
import { parseConnectionString } from '../../core/connectionString';
import { redactConnectionString, redactInstrumentationKey } from '../../core/redact';

export function describeConnectionString(value: string): string {
  const parsed = parseConnectionString(value);
  const lines = [`**${l10n.t('Application Insights connection string')}**`, ''];
  if (!parsed.ok) {
    lines.push(`❌ ${l10n.t('Not valid: {0}', escapeMarkdown(redactConnectionString(parsed.error)))}`);
  } else {
    const cs = parsed.value;
    const rows: [string, string | undefined][] = [
      ['InstrumentationKey', redactInstrumentationKey(cs.instrumentationKey)],
      ['IngestionEndpoint', cs.ingestionEndpoint],
      ['LiveEndpoint', cs.liveEndpoint],
      ['Location', cs.location],
      ['EndpointSuffix', cs.endpointSuffix],
      ['ApplicationId', cs.applicationId],
    ];
    lines.push(`| ${l10n.t('Part')} | ${l10n.t('Value')} |`, '| --- | --- |');
    for (const [name, part] of rows) {
      if (part !== undefined) {
        lines.push(`| ${name} | ${codeSpan(part)} |`);
      }
    }
    if (cs.unknownKeys.length > 0) {
      lines.push(`| ${l10n.t('Ignored keys')} | ${cs.unknownKeys.map(codeSpan).join(', ')} |`);
    }
    for (const warning of parsed.warnings) {
      lines.push('', `⚠️ ${escapeMarkdown(warning.message)}`);
    }
  }
  lines.push(
    '',
    l10n.t(
      'Keep it out of the code: the SDKs read `APPLICATIONINSIGHTS_CONNECTION_STRING`, which the extension sets for the local relay; store the real one with **{0}**.',
      l10n.t('Azure Monitor: Set Connection String'),
    ),
  );
  return lines.join('\n');
}

function codeSpan(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_{}[\]()#+\-.!|<>])/g, '\\$1');
}
