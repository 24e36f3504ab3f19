/**
 * Rule openCensus: OpenCensus imports (and the Django settings that load it by name). OpenCensus
 * was retired on 30 September 2024; the supported path is the azure-monitor-opentelemetry distro.
 * The fix shows the whole file migrated (computed only when the user asks for it).
 */
import * as l10n from '@vscode/l10n';
import type { Node } from 'web-tree-sitter';
import { DIAGNOSTIC_CODES } from '../../../shared/serverProtocol';
import type { Finding } from '../findings';
import type { RuleContext } from '../ruleContext';
import { stringLiteral } from '../syntax';

export function isOpenCensusModule(name: string): boolean {
  return name === 'opencensus' || name.startsWith('opencensus.');
}

/** The module-name nodes of an import statement that name OpenCensus modules. */
export function openCensusModuleNodes(statement: Node): Node[] {
  if (statement.type === 'import_from_statement') {
    const module = statement.childForFieldName('module_name');
    return module && isOpenCensusModule(module.text.replace(/\s+/g, '')) ? [module] : [];
  }
  return statement
    .childrenForFieldName('name')
    .map((name) => (name?.type === 'aliased_import' ? name.childForFieldName('name') : name))
    .filter((name): name is Node => !!name && isOpenCensusModule(name.text.replace(/\s+/g, '')));
}

export function checkOpenCensus({ syntax, withFixes = true }: RuleContext): Finding[] {
  const findings: Finding[] = [];
  const message = l10n.t(
    'OpenCensus is retired (support ended on 30 September 2024). Migrate to the Azure Monitor OpenTelemetry distro: pip install azure-monitor-opentelemetry, remove the opencensus imports and call configure_azure_monitor().',
  );
  const title = l10n.t('Show the OpenTelemetry equivalent');
  const report = (node: Node): void => {
    findings.push({
      rule: 'openCensus',
      code: DIAGNOSTIC_CODES.openCensusRetired,
      severity: 'information',
      message,
      start: node.startIndex,
      end: node.endIndex,
      fixes: withFixes ? [{ kind: 'show-migration', title }] : [],
      deprecated: true,
    });
  };
  for (const statement of syntax.imports) {
    openCensusModuleNodes(statement).forEach(report);
  }
  // Django settings name OpenCensus classes in strings (MIDDLEWARE, OPENCENSUS["TRACE"]).
  for (const node of syntax.strings) {
    const value = stringLiteral(node)?.value;
    if (value !== undefined && /^opencensus\.ext\.\w+\.middleware\./.test(value)) {
      report(node);
    }
  }
  return findings;
}
