/**
 * The places in a Python file that become telemetry, for the lenses with live numbers (issue 18):
 * Flask / FastAPI route decorators, Django `urlpatterns` entries, code that opens a span
 * (`tracer.span(name=…)`, `start_as_current_span(…)`, `@tracer.start_as_current_span(…)`), and
 * `requests` / `httpx` / DB-API `execute` calls, on the tree the document store already has; the
 * extension does the matching against telemetry.
 */
import type { Node, Tree } from 'web-tree-sitter';
import {
  CodeTelemetryTarget,
  MAX_LENS_DOCUMENT_LENGTH,
  MAX_TARGET_TEXT,
  MAX_TARGETS_PER_DOCUMENT,
  RouteFramework,
} from '../../shared/telemetryLens';
import { argumentValue, calleeLastName, dottedText, keywordArgument, positionalArguments, stringLiteral } from '../analysis/syntax';

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);
const HTTP_CLIENTS = new Set(['requests', 'httpx']);
const DJANGO_ROUTE_FUNCTIONS = new Set(['path', 're_path', 'url']);
const SPAN_OPENERS = new Set(['start_as_current_span', 'start_span']);
const DB_METHODS = new Set(['execute', 'executemany']);

export function findTelemetryTargets(tree: Tree, text: string): CodeTelemetryTarget[] {
  if (text.length > MAX_LENS_DOCUMENT_LENGTH) return [];
  // Flask and FastAPI share `@app.get("/x")`; the imports tell which one names the requests.
  const webFramework: RouteFramework = /^\s*(from|import)\s+fastapi\b/m.test(text) ? 'fastapi' : 'flask';
  const targets: CodeTelemetryTarget[] = [];
  for (const call of candidateCalls(tree, text)) {
    const target = targetOf(call, webFramework);
    if (!target) continue;
    targets.push(target);
    if (targets.length >= MAX_TARGETS_PER_DOCUMENT) break;
  }
  return targets;
}

/** Names a target's call can have: `app.route(`, `requests.get(`, `path(`, `cursor.execute(`, … */
const CANDIDATE_NAME =
  /\b(route|api_route|get|post|put|patch|delete|head|options|request|start_as_current_span|start_span|span|execute|executemany|path|re_path|url)\s*\(/g;

/**
 * The calls whose callee ends in one of {@link CANDIDATE_NAME}, in document order. Found in the
 * text first and only then looked up in the tree: a file has thousands of calls and each node
 * visit crosses into WebAssembly, while only a few hundred calls can matter (issue 18 bench).
 * Matches in strings and comments fall away because their node is not an identifier.
 */
function* candidateCalls(tree: Tree, text: string): Generator<Node> {
  const root = tree.rootNode;
  for (const match of text.matchAll(CANDIDATE_NAME)) {
    const name = root.descendantForIndex(match.index, match.index + match[1]!.length);
    if (!name || name.type !== 'identifier') continue;
    const parent = name.parent;
    const callee = parent?.type === 'attribute' && parent.childForFieldName('attribute')?.startIndex === name.startIndex ? parent : name;
    const call = callee.parent;
    if (call?.type === 'call' && call.childForFieldName('function')?.startIndex === callee.startIndex) yield call;
  }
}

function targetOf(call: Node, webFramework: RouteFramework): CodeTelemetryTarget | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  const last = calleeLastName(call);
  if (!last) return undefined;
  const decorated = call.parent?.type === 'decorator' ? call.parent.parent : undefined;
  const objectName = callee.type === 'attribute' ? dottedText(callee.childForFieldName('object') ?? callee) : undefined;

  if (decorated?.type === 'decorated_definition' && callee.type === 'attribute') {
    const route = routeDecorator(call, last, webFramework, decorated);
    if (route) return route;
  }
  if (SPAN_OPENERS.has(last) || (last === 'span' && objectName !== undefined && /tracer/i.test(objectName))) {
    const name = plainString(argumentValue(call, 'name', 0));
    if (name === undefined || name === '') return undefined;
    return { kind: 'span', line: lineOf(decorated?.type === 'decorated_definition' ? decorated : call), name: clip(name) };
  }
  if (
    callee.type === 'attribute' &&
    objectName !== undefined &&
    HTTP_CLIENTS.has(objectName) &&
    (HTTP_VERBS.has(last) || last === 'request')
  ) {
    const method = last === 'request' ? plainString(argumentValue(call, 'method', 0))?.toUpperCase() : last.toUpperCase();
    const url = stringParts(argumentValue(call, 'url', last === 'request' ? 1 : 0));
    if (!url) return undefined;
    return { kind: 'http', line: lineOf(call), library: objectName, ...(method ? { method } : {}), url };
  }
  if (callee.type === 'attribute' && DB_METHODS.has(last)) {
    let statement = positionalArguments(call)[0];
    // SQLAlchemy: `session.execute(text("SELECT …"))`.
    if (statement?.type === 'call' && calleeLastName(statement) === 'text') statement = positionalArguments(statement)[0];
    const parts = stringParts(statement);
    if (!parts) return undefined;
    return { kind: 'db', line: lineOf(call), library: last, statement: parts };
  }
  if (callee.type === 'identifier' && DJANGO_ROUTE_FUNCTIONS.has(last) && inUrlPatterns(call)) {
    const template = plainString(argumentValue(call, 'route', 0));
    if (template === undefined) return undefined;
    const urlName = plainString(keywordArgument(call, 'name')?.childForFieldName('value') ?? undefined);
    const view = argumentValue(call, 'view', 1);
    const handler = view
      ? (dottedText(view) ?? (view.type === 'call' ? dottedText(view.childForFieldName('function') ?? view) : undefined))
      : undefined;
    return {
      kind: 'route',
      line: lineOf(call),
      framework: 'django',
      template: clip(template),
      ...(last === 'path' ? {} : { regex: true as const }),
      methods: [],
      ...(urlName ? { urlName: clip(urlName) } : {}),
      ...(handler ? { handler } : {}),
    };
  }
  return undefined;
}

/** `@app.route("/x", methods=[…])`, `@bp.get("/x")`, `@router.api_route("/x", methods=[…])`. */
function routeDecorator(call: Node, last: string, webFramework: RouteFramework, decorated: Node): CodeTelemetryTarget | undefined {
  const isVerb = HTTP_VERBS.has(last);
  if (!isVerb && last !== 'route' && last !== 'api_route') return undefined;
  const template = plainString(argumentValue(call, last === 'route' ? 'rule' : 'path', 0));
  if (template === undefined || !template.startsWith('/')) return undefined;
  const methods = isVerb ? [last.toUpperCase()] : stringList(keywordArgument(call, 'methods')?.childForFieldName('value') ?? undefined);
  const definition = decorated.childForFieldName('definition');
  const handler = definition?.childForFieldName('name')?.text;
  const framework: RouteFramework = last === 'api_route' ? 'fastapi' : last === 'route' ? 'flask' : webFramework;
  return { kind: 'route', line: lineOf(decorated), framework, template: clip(template), methods, ...(handler ? { handler } : {}) };
}

/** Inside the list assigned (or `+=`) to `urlpatterns`, a few levels up at most. */
function inUrlPatterns(call: Node): boolean {
  let node: Node | null = call.parent;
  for (let depth = 0; node && depth < 6; depth++, node = node.parent) {
    if (node.type === 'assignment' || node.type === 'augmented_assignment') {
      return node.childForFieldName('left')?.text === 'urlpatterns';
    }
  }
  return false;
}

/** A string literal without interpolation. */
function plainString(node: Node | undefined): string | undefined {
  const literal = node ? stringLiteral(node) : undefined;
  return literal && !literal.interpolated ? literal.value : undefined;
}

/** `["GET", "POST"]` → upper-case methods; [] for anything else. */
function stringList(node: Node | undefined): string[] {
  if (!node || (node.type !== 'list' && node.type !== 'tuple' && node.type !== 'set')) return [];
  const methods: string[] = [];
  for (const element of node.namedChildren) {
    const value = element ? plainString(element) : undefined;
    if (value && /^[A-Za-z]{1,16}$/.test(value)) methods.push(value.toUpperCase());
  }
  return methods;
}

/** A string (f-strings too) as literal pieces and `null` holes; undefined when not a string. */
function stringParts(node: Node | undefined): (string | null)[] | undefined {
  if (!node || node.type !== 'string') return undefined;
  const parts: (string | null)[] = [];
  let length = 0;
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'interpolation') {
      if (parts[parts.length - 1] !== null) parts.push(null);
    } else if (child.type === 'string_content' || child.type === 'escape_sequence') {
      const text = child.text.slice(0, Math.max(0, MAX_TARGET_TEXT - length));
      length += text.length;
      if (typeof parts[parts.length - 1] === 'string') parts[parts.length - 1] += text;
      else parts.push(text);
    }
  }
  return parts.some((part) => part !== null && part.trim() !== '') ? parts : undefined;
}

function lineOf(node: Node): number {
  return node.startPosition.row;
}

function clip(text: string): string {
  return text.length > MAX_TARGET_TEXT ? text.slice(0, MAX_TARGET_TEXT) : text;
}
