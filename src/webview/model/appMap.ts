/**
 * The local application map: cloud roles and the targets their dependencies call, with call
 * counts, average duration and failure rate, laid out in columns by call depth (deterministic:
 * the same telemetry always gives the same picture).
 */
import type { PanelItem } from '../../shared/messages';
import { spanKey } from './correlation';
import { t } from '../l10n';

export interface CallStats {
  calls: number;
  failed: number;
  durationSum: number;
}

export interface MapNode {
  readonly id: string;
  readonly kind: 'role' | 'target';
  readonly label: string;
  /** Dependency type for targets (HTTP, postgresql, …); instance count for roles. */
  readonly detail: string;
  /** Incoming requests for roles; calls for targets. */
  readonly stats: CallStats;
  /** Roles: in-process (InProc) spans seen, work inside the role that the map draws no edge for. */
  inProcess: number;
  column: number;
  row: number;
}

export interface MapEdge {
  readonly from: string;
  readonly to: string;
  readonly stats: CallStats;
}

export interface AppMap {
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
  readonly columns: number;
  readonly rows: number;
}

const IN_PROCESS = /^inproc$/i;

export function computeAppMap(spans: Iterable<PanelItem>): AppMap {
  const UNKNOWN_ROLE = t('(unknown role)');
  /** Requests by their parent span: a dependency whose id is there called that request's role. */
  const requestsByParent = new Map<string, PanelItem>();
  const dependencies: PanelItem[] = [];
  const nodes = new Map<string, MapNode>();
  const roleInstances = new Map<string, Set<string>>();

  const roleNode = (role: string): MapNode => {
    const id = `role:${role}`;
    let node = nodes.get(id);
    if (!node) nodes.set(id, (node = { id, kind: 'role', label: role, detail: '', stats: emptyStats(), inProcess: 0, column: 0, row: 0 }));
    return node;
  };

  for (const item of spans) {
    const role = item.role || UNKNOWN_ROLE;
    if (item.table === 'requests' || item.table === 'pageViews') {
      const node = roleNode(role);
      count(node.stats, item);
      const parent = spanKey(item.parentId);
      if (parent) requestsByParent.set(parent, item);
      if (item.roleInstance) {
        let instances = roleInstances.get(role);
        if (!instances) roleInstances.set(role, (instances = new Set()));
        instances.add(item.roleInstance);
      }
    } else if (item.table === 'dependencies' && IN_PROCESS.test(item.type ?? '')) {
      // Not a call to anything: counted on its role, so an app with only in-process spans still shows.
      roleNode(role).inProcess++;
    } else if (item.table === 'dependencies') {
      roleNode(role);
      dependencies.push(item);
    }
  }

  const edges = new Map<string, MapEdge>();
  for (const dependency of dependencies) {
    const from = `role:${dependency.role || UNKNOWN_ROLE}`;
    const key = spanKey(dependency.id);
    const childRequest = key ? requestsByParent.get(key) : undefined;
    let to: string;
    if (childRequest) {
      to = roleNode(childRequest.role || UNKNOWN_ROLE).id;
    } else {
      const label = dependency.target || dependency.name || dependency.type || t('(unknown target)');
      const type = dependency.type ?? '';
      to = `target:${type}|${label}`;
      if (!nodes.has(to))
        nodes.set(to, { id: to, kind: 'target', label, detail: type, stats: emptyStats(), inProcess: 0, column: 0, row: 0 });
      count(nodes.get(to)!.stats, dependency);
    }
    const edgeId = `${from}→${to}`;
    let edge = edges.get(edgeId);
    if (!edge) edges.set(edgeId, (edge = { from, to, stats: emptyStats() }));
    count(edge.stats, dependency);
  }

  for (const [role, instances] of roleInstances) {
    const node = nodes.get(`role:${role}`);
    if (node) (node as { detail: string }).detail = instances.size === 1 ? '1 instance' : `${instances.size} instances`;
  }
  return layout([...nodes.values()], [...edges.values()]);
}

function emptyStats(): CallStats {
  return { calls: 0, failed: 0, durationSum: 0 };
}

function count(stats: CallStats, item: PanelItem): void {
  stats.calls++;
  if (item.success === false) stats.failed++;
  if (typeof item.duration === 'number' && Number.isFinite(item.duration)) stats.durationSum += item.duration;
}

/** Columns by longest call depth from roles nobody calls; rows sorted by kind then name. */
function layout(nodes: MapNode[], edges: MapEdge[]): AppMap {
  const incoming = new Map<string, number>();
  for (const edge of edges) if (edge.from !== edge.to) incoming.set(edge.to, (incoming.get(edge.to) ?? 0) + 1);
  const depth = new Map<string, number>();
  for (const node of nodes) depth.set(node.id, 0);
  // Bellman-Ford style relaxation, bounded by the node count so cycles terminate.
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const edge of edges) {
      if (edge.from === edge.to) continue;
      const next = (depth.get(edge.from) ?? 0) + 1;
      if (next > (depth.get(edge.to) ?? 0) && next < nodes.length + 1) {
        depth.set(edge.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = new Map<number, MapNode[]>();
  for (const node of nodes) {
    node.column = depth.get(node.id) ?? 0;
    let column = columns.get(node.column);
    if (!column) columns.set(node.column, (column = []));
    column.push(node);
  }
  let rows = 0;
  for (const column of columns.values()) {
    column.sort((a, b) => (a.kind === b.kind ? a.label.localeCompare(b.label) : a.kind === 'role' ? -1 : 1));
    column.forEach((node, row) => (node.row = row));
    rows = Math.max(rows, column.length);
  }
  const sortedEdges = edges.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { nodes, edges: sortedEdges, columns: columns.size === 0 ? 0 : Math.max(...columns.keys()) + 1, rows };
}
