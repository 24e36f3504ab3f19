/**
 * The migration assistant: rewrites a file that uses the OpenCensus patterns of Microsoft's guide
 * (Tracer + AzureExporter, AzureLogHandler, stats views + metrics_exporter, config_integration,
 * FlaskMiddleware, the Django OPENCENSUS settings) to the azure-monitor-opentelemetry distro, as
 * the official migration guide describes: drop every opencensus import, call
 * configure_azure_monitor() once, and use the OpenTelemetry API for manual spans and metrics.
 *
 * Pure: a tree and its text in, text out. The user sees the result beside the file; nothing is
 * applied behind their back.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { planCodeInsertion } from '../../core/snippets';
import { applyTextEdits } from '../../core/snippets/textEdits';
import { deleteStatement, detectEol, removeArgument, statementLines } from '../analysis/editHelpers';
import type { OffsetEdit } from '../analysis/findings';
import { openCensusModuleNodes } from '../analysis/rules/openCensusRetired';
import {
  argumentValue,
  calleeName,
  dottedText,
  enclosingStatement,
  isDescendant,
  numberLiteral,
  positionalArguments,
  stringLiteral,
} from '../analysis/syntax';

export interface MigrationResult {
  readonly text: string;
  /** False when the file has nothing to migrate (the text is then unchanged). */
  readonly usesOpenCensus: boolean;
}

const OPENCENSUS_DJANGO_STRING = /^opencensus\.ext\.django\.middleware\./;

type InstrumentKind = 'counter' | 'histogram' | 'gauge';

const INSTRUMENT_FACTORY: Readonly<Record<InstrumentKind, string>> = {
  counter: 'create_counter',
  histogram: 'create_histogram',
  gauge: 'create_gauge',
};
const INSTRUMENT_METHOD: Readonly<Record<InstrumentKind, string>> = { counter: 'add', histogram: 'record', gauge: 'set' };

/** OpenCensus integrations the distro instruments by itself, and the explicit instrumentors for the others. */
const INTEGRATIONS_COVERED_BY_DISTRO = new Set(['requests', 'httplib', 'postgresql', 'flask', 'django', 'logging', 'threading']);
const INTEGRATION_INSTRUMENTORS: Readonly<Record<string, { readonly importLine: string; readonly call: string }>> = {
  mysql: { importLine: 'from opentelemetry.instrumentation.mysql import MySQLInstrumentor', call: 'MySQLInstrumentor().instrument()' },
  pymysql: {
    importLine: 'from opentelemetry.instrumentation.pymysql import PyMySQLInstrumentor',
    call: 'PyMySQLInstrumentor().instrument()',
  },
  sqlalchemy: {
    importLine: 'from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor',
    call: 'SQLAlchemyInstrumentor().instrument()',
  },
  pymongo: {
    importLine: 'from opentelemetry.instrumentation.pymongo import PymongoInstrumentor',
    call: 'PymongoInstrumentor().instrument()',
  },
};

export function migrateOpenCensusToOpenTelemetry(tree: Tree, text: string): MigrationResult {
  const migration = new Migration(tree.rootNode, text);
  if (!migration.usesOpenCensus()) {
    return { text, usesOpenCensus: false };
  }
  return { text: migration.run(), usesOpenCensus: true };
}

class Migration {
  /** Local name → fully qualified OpenCensus name (`Tracer` → `opencensus.trace.tracer.Tracer`). */
  private readonly imported = new Map<string, string>();
  /** Names whose statements go away with OpenCensus (imports, exporters, views, and what derives from them). */
  private readonly removed = new Set<string>();
  private readonly tracerNames = new Set<string>();
  private readonly instrumentKinds = new Map<string, InstrumentKind>();
  private readonly edits: OffsetEdit[] = [];
  private readonly extraImports: string[] = [];
  private samplingRatio: string | undefined;
  private needsTrace = false;
  private needsMeter = false;
  private hasOpenCensusImports = false;
  private hasDjangoSettings = false;

  constructor(
    private readonly root: Node,
    private readonly text: string,
  ) {
    this.collectImports();
    this.collectUsage();
  }

  usesOpenCensus(): boolean {
    return this.hasOpenCensusImports || this.hasDjangoSettings;
  }

  run(): string {
    this.visitBlock(this.root);
    const rewritten = applyTextEdits(this.text, this.edits);
    if (!this.hasOpenCensusImports) {
      return tidyBlankLines(rewritten);
    }
    const imports = ['from azure.monitor.opentelemetry import configure_azure_monitor'];
    if (this.needsTrace) {
      imports.push('from opentelemetry import trace');
    }
    if (this.needsMeter) {
      imports.push('from opentelemetry import metrics');
    }
    imports.push(...this.extraImports);
    const setup = [
      '# Migrated from OpenCensus: pip install azure-monitor-opentelemetry and uninstall the opencensus packages.',
      '# configure_azure_monitor() reads APPLICATIONINSIGHTS_CONNECTION_STRING from the environment.',
      `configure_azure_monitor(${this.samplingRatio !== undefined ? `sampling_ratio=${this.samplingRatio}` : ''})`,
      ...(this.needsMeter ? ['meter = metrics.get_meter(__name__)'] : []),
    ].join('\n');
    const plan = planCodeInsertion(rewritten, { imports, setup });
    return tidyBlankLines(applyTextEdits(rewritten, plan.edits));
  }

  // ---- what the file uses -------------------------------------------------------------------

  private collectImports(): void {
    for (const statement of this.root.descendantsOfType(['import_statement', 'import_from_statement'])) {
      if (!statement || openCensusModuleNodes(statement).length === 0) {
        continue;
      }
      this.hasOpenCensusImports = true;
      const module =
        statement.type === 'import_from_statement' ? statement.childForFieldName('module_name')?.text.replace(/\s+/g, '') : undefined;
      for (const name of statement.childrenForFieldName('name')) {
        if (!name) {
          continue;
        }
        const original = (name.type === 'aliased_import' ? name.childForFieldName('name')?.text : name.text)?.replace(/\s+/g, '') ?? '';
        const alias = name.type === 'aliased_import' ? name.childForFieldName('alias')?.text : undefined;
        const local = alias ?? (module ? original : original.split('.')[0]);
        const full = module ? `${module}.${original}` : alias ? original : local;
        this.imported.set(local, full);
        this.removed.add(local);
      }
    }
  }

  private collectUsage(): void {
    for (const node of this.root.descendantsOfType(['call', 'string'])) {
      if (!node) {
        continue;
      }
      if (node.type === 'string') {
        this.hasDjangoSettings ||= OPENCENSUS_DJANGO_STRING.test(stringLiteral(node)?.value ?? '');
        continue;
      }
      const resolved = this.resolve(node.childForFieldName('function'));
      if (resolved === undefined) {
        continue;
      }
      if (isTracerFactory(resolved)) {
        const target = assignmentTarget(node);
        if (target) {
          this.tracerNames.add(target);
        }
      } else if (resolved.endsWith('.View') && resolved.startsWith('opencensus.stats')) {
        const measure = argumentValue(node, 'measure', 3);
        const aggregation = argumentValue(node, 'aggregation', 4);
        const aggregationName = aggregation?.type === 'call' ? (calleeName(aggregation) ?? '') : '';
        if (measure) {
          this.instrumentKinds.set(
            measure.text,
            /DistributionAggregation$/.test(aggregationName)
              ? 'histogram'
              : /LastValueAggregation$/.test(aggregationName)
                ? 'gauge'
                : 'counter',
          );
        }
      } else if (resolved.endsWith('.ProbabilitySampler') && this.samplingRatio === undefined) {
        const rateNode = argumentValue(node, 'rate', 0);
        const rate = rateNode ? numberLiteral(rateNode) : undefined;
        if (rateNode && rate !== undefined && rate >= 0 && rate < 1) {
          this.samplingRatio = rateNode.text;
        }
      }
    }
  }

  /** `opencensus.…` name of a callee or expression, when it comes from an OpenCensus import. */
  private resolve(node: Node | null | undefined): string | undefined {
    const dotted = node ? dottedText(node) : undefined;
    if (dotted === undefined) {
      return undefined;
    }
    const first = dotted.split('.')[0];
    const base = this.imported.get(first);
    return base === undefined ? undefined : base + dotted.slice(first.length);
  }

  // ---- rewriting, statement by statement ----------------------------------------------------

  private visitBlock(block: Node): void {
    const statements = block.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
    const deletions: { statement: Node; edit: OffsetEdit }[] = [];
    for (const statement of statements) {
      const deletion = this.visitStatement(statement);
      if (deletion) {
        deletions.push({ statement, edit: deletion });
      }
      for (const child of nestedBlocks(statement)) {
        this.visitBlock(child);
      }
    }
    // A block left empty needs `pass`.
    if (block.type === 'block' && statements.length > 0 && deletions.length === statements.length) {
      const first = deletions[0];
      const index = this.edits.indexOf(first.edit);
      const whole = statementLines(this.text, first.statement);
      this.edits[index] = { ...first.edit, newText: whole.wholeLines ? `${whole.indent}pass${detectEol(this.text)}` : 'pass' };
    }
  }

  /** Rewrites one statement; returns the edit when the statement is deleted. */
  private visitStatement(statement: Node): OffsetEdit | undefined {
    if (statement.type === 'import_statement' || statement.type === 'import_from_statement') {
      return openCensusModuleNodes(statement).length > 0 ? this.delete(statement) : undefined;
    }
    const expression = statement.type === 'expression_statement' ? statement.firstNamedChild : null;
    if (expression?.type === 'call') {
      if (this.rewriteMeasurement(statement, expression)) {
        return undefined;
      }
      const integrations = this.rewriteIntegrations(statement, expression);
      if (integrations !== undefined) {
        return integrations === 'replaced' ? undefined : integrations;
      }
    }
    if (
      expression?.type === 'assignment' &&
      statement.parent?.type === 'module' &&
      expression.childForFieldName('left')?.text === 'OPENCENSUS'
    ) {
      this.replace(
        statement,
        '# Azure Monitor: call configure_azure_monitor() in manage.py or wsgi.py instead (the distro instruments Django).',
      );
      return undefined;
    }

    if (expression?.type === 'augmented_assignment' && this.onlyOpenCensusMiddleware(expression.childForFieldName('right'))) {
      return this.delete(statement); // MIDDLEWARE += ["opencensus…"]
    }

    const inner = this.innerEdits(statement);
    if (expression && this.referencesRemoved(statement, inner.replacedCalls)) {
      if (expression.type === 'assignment') {
        for (const target of assignedNames(expression)) {
          this.removed.add(target);
        }
      }
      return this.delete(statement);
    }
    if (inner.replacedCalls.length > 0) {
      this.dropStaleComments(statement);
    }
    this.edits.push(...inner.edits);
    return undefined;
  }

  private onlyOpenCensusMiddleware(list: Node | null): boolean {
    const items = list?.type === 'list' ? list.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment') : [];
    return items.length > 0 && items.every((item) => OPENCENSUS_DJANGO_STRING.test(stringLiteral(item)?.value ?? ''));
  }

  /** `mmap.measure_int_put(measure, value)` → `measure.add(value)`. */
  private rewriteMeasurement(statement: Node, call: Node): boolean {
    const name = calleeName(call) ?? '';
    if (!/\.measure_(int|float)_put$/.test(name)) {
      return false;
    }
    const [measure, value] = positionalArguments(call);
    if (!measure || !value) {
      return false;
    }
    const kind = this.instrumentKinds.get(measure.text) ?? 'counter';
    this.replace(statement, `${measure.text}.${INSTRUMENT_METHOD[kind]}(${value.text})`);
    return true;
  }

  /**
   * `config_integration.trace_integrations([...])` → nothing, or the explicit instrumentors the
   * distro lacks. Returns the deletion edit when the statement simply goes.
   */
  private rewriteIntegrations(statement: Node, call: Node): OffsetEdit | 'replaced' | undefined {
    const resolved = this.resolve(call.childForFieldName('function'));
    if (resolved === undefined || !resolved.endsWith('config_integration.trace_integrations')) {
      return undefined;
    }
    const list = positionalArguments(call)[0];
    const names = (list?.namedChildren ?? [])
      .map((item) => (item ? stringLiteral(item)?.value : undefined))
      .filter((n): n is string => !!n);
    const lines: string[] = [];
    for (const integration of names) {
      const instrumentor = INTEGRATION_INSTRUMENTORS[integration];
      if (instrumentor) {
        this.extraImports.push(instrumentor.importLine);
        lines.push(instrumentor.call);
      } else if (!INTEGRATIONS_COVERED_BY_DISTRO.has(integration)) {
        lines.push(
          `# TODO: OpenCensus traced "${integration}"; install and enable its OpenTelemetry instrumentation (opentelemetry-instrumentation-${integration}).`,
        );
      }
    }
    if (lines.length === 0) {
      return this.delete(statement);
    }
    const indent = statementLines(this.text, statement).indent;
    this.replace(statement, lines.join(detectEol(this.text) + indent));
    return 'replaced';
  }

  /** Edits inside a statement (its header only, for compound statements), and the calls they replace whole. */
  private innerEdits(statement: Node): { edits: OffsetEdit[]; replacedCalls: Node[] } {
    const edits: OffsetEdit[] = [];
    const replacedCalls: Node[] = [];
    const own = (node: Node): boolean => enclosingStatement(node).startIndex === statement.startIndex;
    for (const node of statement.descendantsOfType(['call', 'string'])) {
      if (!node || !own(node) || replacedCalls.some((call) => isDescendant(node, call))) {
        continue;
      }
      if (node.type === 'string') {
        if (OPENCENSUS_DJANGO_STRING.test(stringLiteral(node)?.value ?? '') && ['list', 'tuple'].includes(node.parent?.type ?? '')) {
          edits.push(removeArgument(node));
        }
        continue;
      }
      const callee = node.childForFieldName('function');
      const resolved = this.resolve(callee);
      if (resolved !== undefined && isTracerFactory(resolved)) {
        this.needsTrace = true;
        replacedCalls.push(node);
        edits.push(replaceNode(node, 'trace.get_tracer(__name__)'));
      } else if (resolved !== undefined && /^opencensus\.stats\.measure\.Measure(Int|Float)$/.test(resolved)) {
        replacedCalls.push(node);
        edits.push(replaceNode(node, this.instrumentFor(node)));
      } else if (callee?.type === 'attribute') {
        edits.push(...this.renameSpanMethods(node, callee));
      }
    }
    return { edits, replacedCalls };
  }

  private instrumentFor(measureCall: Node): string {
    this.needsMeter = true;
    const kind = this.instrumentKinds.get(assignmentTarget(measureCall) ?? '') ?? 'counter';
    const name = argumentValue(measureCall, 'name', 0)?.text ?? '"measure"';
    const description = argumentValue(measureCall, 'description', 1)?.text;
    const unit = argumentValue(measureCall, 'unit', 2)?.text;
    const options = [unit !== undefined ? `unit=${unit}` : '', description !== undefined ? `description=${description}` : ''].filter(
      Boolean,
    );
    return `meter.${INSTRUMENT_FACTORY[kind]}(${[name, ...options].join(', ')})`;
  }

  /** `tracer.span(name=…)` → `tracer.start_as_current_span(name=…)`; `span.add_attribute` → `set_attribute`. */
  private renameSpanMethods(call: Node, callee: Node): OffsetEdit[] {
    const object = callee.childForFieldName('object');
    const method = callee.childForFieldName('attribute');
    if (!object || !method) {
      return [];
    }
    if (method.text === 'span' && this.tracerNames.has(object.text)) {
      const edits = [replaceNode(method, 'start_as_current_span')];
      const args = call.childForFieldName('arguments');
      if (args && positionalArguments(call).length === 0 && !args.text.includes('name')) {
        edits.push({ offset: args.startIndex + 1, length: 0, newText: args.namedChildCount > 0 ? '"span", ' : '"span"' });
      }
      return edits;
    }
    if (method.text === 'add_attribute') {
      return [replaceNode(method, 'set_attribute')];
    }
    return [];
  }

  private referencesRemoved(statement: Node, excluded: readonly Node[]): boolean {
    for (const identifier of statement.descendantsOfType('identifier')) {
      if (!identifier || !this.removed.has(identifier.text) || excluded.some((node) => isDescendant(identifier, node))) {
        continue;
      }
      const parent = identifier.parent;
      const isAttributeName = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === identifier.startIndex;
      const isKeywordName = parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.startIndex === identifier.startIndex;
      if (!isAttributeName && !isKeywordName) {
        return true;
      }
    }
    return false;
  }

  /** Deletes a statement, with the comment lines right above it (they described what is gone). */
  private delete(statement: Node): OffsetEdit {
    const edit = deleteStatement(this.text, statement);
    const start = this.commentsAbove(statement, edit.offset, () => true);
    const widened = { offset: start, length: edit.offset + edit.length - start, newText: '' };
    this.edits.push(widened);
    return widened;
  }

  /**
   * Start of the run of whole-line comments directly above `statement` (no blank line between)
   * that `accept`s, or `from` when there are none.
   */
  private commentsAbove(statement: Node, from: number, accept: (comment: string) => boolean): number {
    if (from === statement.startIndex && !statementLines(this.text, statement).wholeLines) {
      return from;
    }
    let start = from;
    for (let comment = statement.previousSibling; comment?.type === 'comment'; comment = comment.previousSibling) {
      const lines = statementLines(this.text, comment);
      if (!lines.wholeLines || lines.end !== start || !accept(comment.text)) {
        break;
      }
      start = lines.start;
    }
    return start;
  }

  /** Comments right above a rewritten statement that talk about what OpenCensus did (`# AzureExporter() reads…`). */
  private dropStaleComments(statement: Node): void {
    const lineStart = statementLines(this.text, statement).start;
    const mentionsRemoved = (comment: string): boolean => [...this.removed].some((name) => new RegExp(`\\b${name}\\b`).test(comment));
    const start = this.commentsAbove(statement, lineStart, mentionsRemoved);
    if (start < lineStart) {
      this.edits.push({ offset: start, length: lineStart - start, newText: '' });
    }
  }

  private replace(node: Node, newText: string): void {
    this.edits.push(replaceNode(node, newText));
  }
}

function isTracerFactory(resolved: string): boolean {
  return /^opencensus\.trace\.tracer\.Tracer$/.test(resolved) || resolved.endsWith('execution_context.get_opencensus_tracer');
}

function replaceNode(node: Node, newText: string): OffsetEdit {
  return { offset: node.startIndex, length: node.endIndex - node.startIndex, newText };
}

/** `x` in `x = call(...)`. */
function assignmentTarget(call: Node): string | undefined {
  const parent = call.parent;
  return parent?.type === 'assignment' && parent.childForFieldName('right')?.startIndex === call.startIndex
    ? parent.childForFieldName('left')?.text
    : undefined;
}

function assignedNames(assignment: Node): string[] {
  const left = assignment.childForFieldName('left');
  if (!left) {
    return [];
  }
  return left.type === 'identifier' ? [left.text] : left.descendantsOfType('identifier').flatMap((n) => (n ? [n.text] : []));
}

/** The blocks directly inside a compound statement (bodies of if/elif/else, try/except, def, class, with…). */
function nestedBlocks(statement: Node): Node[] {
  const blocks: Node[] = [];
  const visit = (node: Node): void => {
    for (const child of node.namedChildren) {
      if (!child) {
        continue;
      }
      if (child.type === 'block') {
        blocks.push(child);
      } else if (/_clause$|_definition$|^decorated_definition$|^case_clause$/.test(child.type)) {
        visit(child);
      }
    }
  };
  visit(statement);
  return blocks;
}

/** Deleting statements leaves runs of blank lines: keep at most two, and none at the very top. */
function tidyBlankLines(text: string): string {
  const eol = detectEol(text);
  const lines = text.split(/\r?\n/);
  const result: string[] = [];
  let blanks = 0;
  for (const line of lines) {
    if (line.trim() === '') {
      blanks++;
      if (blanks > 2 || result.length === 0) {
        continue;
      }
    } else {
      blanks = 0;
    }
    result.push(line);
  }
  return result.join(eol);
}
