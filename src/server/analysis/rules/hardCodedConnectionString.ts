/**
 * Rule hardCodedConnectionString: a connection string or instrumentation key written in the code.
 * A connection string in code beats APPLICATIONINSIGHTS_CONNECTION_STRING in both Python SDKs, so
 * the app bypasses the extension's relay (and production's setting), and the key lands in git.
 */
import * as l10n from '@vscode/l10n';
import { parseConnectionString } from '../../../core/connectionString';
import { CLIENT_COMMANDS, DIAGNOSTIC_CODES, StoreConnectionStringArguments } from '../../../shared/serverProtocol';
import { deleteStatement, ensureImport, removeArgument } from '../editHelpers';
import type { Finding, Fix } from '../findings';
import { SecretLiteral, secretLiteral } from '../connectionStringLiterals';
import type { RuleContext } from '../ruleContext';
import { enclosingStatement } from '../syntax';

const ENVIRONMENT_READ = 'os.environ.get("APPLICATIONINSIGHTS_CONNECTION_STRING")';

export function checkHardCodedConnectionStrings({ syntax, text, withFixes = true }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  for (const node of syntax.strings) {
    const secret = secretLiteral(node);
    if (!secret) {
      continue;
    }
    const isConnectionString = secret.kind === 'connection-string';
    findings.push({
      rule: 'hardCodedConnectionString',
      code: isConnectionString ? DIAGNOSTIC_CODES.hardCodedConnectionString : DIAGNOSTIC_CODES.hardCodedInstrumentationKey,
      severity: 'error',
      message: isConnectionString
        ? l10n.t(
            "Hard-coded Application Insights connection string. A connection string in code overrides APPLICATIONINSIGHTS_CONNECTION_STRING (the local relay's during development, your settings in production), and it ends up in source control. Let the SDK read the environment variable.",
          )
        : l10n.t(
            'Hard-coded Application Insights instrumentation key. It overrides APPLICATIONINSIGHTS_CONNECTION_STRING and ends up in source control. Let the SDK read the environment variable.',
          ),
      start: node.startIndex,
      end: node.endIndex,
      fixes: withFixes ? fixesFor(secret, text) : [],
    });
  }
  return findings;
}

function fixesFor(secret: SecretLiteral, text: string): Fix[] {
  const fixes: Fix[] = [];
  const parent = secret.node.parent;
  if (parent?.type === 'keyword_argument' && parent.parent?.type === 'argument_list') {
    fixes.push({
      kind: 'edit',
      title: l10n.t(
        'Remove {0}= (use APPLICATIONINSIGHTS_CONNECTION_STRING)',
        parent.childForFieldName('name')?.text ?? 'connection_string',
      ),
      edits: [removeArgument(parent)],
      preferred: true,
    });
  } else if (parent?.type === 'assignment' && parent.childForFieldName('left')?.type === 'subscript') {
    // os.environ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "...": the extension sets it instead.
    fixes.push({
      kind: 'edit',
      title: l10n.t('Remove the assignment (the environment provides it)'),
      edits: [deleteStatement(text, enclosingStatement(parent))],
      preferred: true,
    });
  } else if (secret.kind === 'connection-string') {
    fixes.push({
      kind: 'edit',
      title: l10n.t('Read it from APPLICATIONINSIGHTS_CONNECTION_STRING instead'),
      edits: [
        ...ensureImport(text, 'import os'),
        { offset: secret.node.startIndex, length: secret.node.endIndex - secret.node.startIndex, newText: ENVIRONMENT_READ },
      ],
      preferred: true,
    });
  }
  const parsed = secret.kind === 'connection-string' ? parseConnectionString(secret.value) : undefined;
  const args: StoreConnectionStringArguments[] = parsed?.ok ? [{ connectionString: secret.value }] : [];
  // "Instead": the literal goes (same edit as the preferred fix) and the value goes to SecretStorage.
  const removal = fixes.find((fix) => fix.kind === 'edit');
  fixes.push({
    kind: 'command',
    title: l10n.t('Store it in VS Code SecretStorage instead'),
    command: CLIENT_COMMANDS.storeConnectionString,
    arguments: args,
    ...(removal?.kind === 'edit' ? { edits: removal.edits } : {}),
  });
  return fixes;
}
