/**
 * Map: cloud roles and the targets their dependencies call, as an SVG graph. Each role shows its
 * incoming requests; each edge its call count, average duration and failure rate. In-process
 * (InProc) spans are not calls: as in the portal's Application Map they get no edge, but they are
 * counted on their role (an OpenCensus app with only tracer spans still shows), and a note says why.
 */
import type { PanelItem } from '../../shared/messages';
import { displayText, h, setText, svg } from '../dom';
import { formatDuration, formatPercent } from '../format';
import { plural, t } from '../l10n';
import { type AppMap, type CallStats, computeAppMap, type MapNode } from '../model/appMap';
import { type PanelView, Throttle, type ViewContext } from './viewContext';

const NODE_WIDTH = 240;
const NODE_HEIGHT = 64;
const COLUMN_GAP = 230;
const ROW_GAP = 36;
const MARGIN = 24;

export class MapView implements PanelView {
  readonly id = 'map' as const;
  readonly element: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly summary: HTMLElement;
  private readonly note: HTMLElement;
  private readonly throttle = new Throttle(1000);
  private revision = -1;

  constructor(private readonly context: ViewContext) {
    this.canvas = h('div', { class: 'map-canvas' });
    this.summary = h('div', { class: 'map-summary' });
    this.note = h('div', { class: 'map-note', role: 'note', hidden: true });
    this.element = h(
      'div',
      { class: 'view map-view' },
      h('div', { class: 'filter-bar' }, this.summary),
      this.note,
      h('div', { class: 'scroll-area' }, this.canvas),
    );
  }

  render(force: boolean): boolean {
    const spans = this.context.model.spans;
    if (!force && spans.revision === this.revision) return false;
    if (!this.throttle.ready(force, spans.aliveCount)) return true;
    this.revision = spans.revision;
    const model = this.context.model;
    const alive = function* (): Generator<PanelItem> {
      for (const item of spans.all) if (model.has(item)) yield item;
    };
    const map = computeAppMap(alive());
    this.summary.textContent =
      map.nodes.length === 0
        ? ''
        : [
            plural(map.nodes.filter((node) => node.kind === 'role').length, '{0} role', '{0} roles'),
            plural(map.nodes.filter((node) => node.kind === 'target').length, '{0} dependency target', '{0} dependency targets'),
            plural(map.edges.length, '{0} connection', '{0} connections'),
            plural(spans.aliveCount, 'from {0} request or dependency in the buffer', 'from {0} requests and dependencies in the buffer'),
          ].join(' · ');
    const inProcess = map.nodes.reduce((sum, node) => sum + node.inProcess, 0);
    setText(
      this.note,
      inProcess > 0
        ? t(
            'In-process spans (InProc, such as OpenCensus tracer spans) are work inside a role, not calls: the map counts them on their role and draws no connection for them. The Transactions view shows them.',
          )
        : '',
    );
    this.note.hidden = inProcess === 0;
    this.canvas.replaceChildren(
      map.nodes.length === 0
        ? h('div', { class: 'placeholder' }, t('No requests or dependencies yet. The map shows each cloud role and what it calls.'))
        : drawMap(map),
    );
    return false;
  }
}

function drawMap(map: AppMap): SVGSVGElement {
  // Shorter columns are centred against the tallest one.
  const columnSizes = new Map<number, number>();
  for (const node of map.nodes) columnSizes.set(node.column, (columnSizes.get(node.column) ?? 0) + 1);
  for (const node of map.nodes) node.row += (map.rows - columnSizes.get(node.column)!) / 2;
  const width = MARGIN * 2 + map.columns * NODE_WIDTH + Math.max(0, map.columns - 1) * COLUMN_GAP;
  const height = MARGIN * 2 + map.rows * NODE_HEIGHT + Math.max(0, map.rows - 1) * ROW_GAP;
  const nodesById = new Map(map.nodes.map((node) => [node.id, node]));
  const root = svg('svg', {
    class: 'app-map',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': t('Application map'),
  });
  root.append(
    svg(
      'defs',
      null,
      svg(
        'marker',
        { id: 'map-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'edge-arrow' }),
      ),
    ),
  );
  const edgeLayer = svg('g', { class: 'edges' });
  const labelLayer = svg('g', { class: 'edge-labels' });
  for (const edge of map.edges) {
    const from = nodesById.get(edge.from);
    const to = nodesById.get(edge.to);
    if (!from || !to) continue;
    const [x1, y1] = [nodeX(from) + NODE_WIDTH, nodeY(from) + NODE_HEIGHT / 2];
    const [x2, y2] = [nodeX(to), nodeY(to) + NODE_HEIGHT / 2];
    const forward = x2 > x1;
    const bend = forward ? (x2 - x1) / 2 : 80;
    const path = forward
      ? `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`
      : `M ${x1} ${y1} C ${x1 + bend} ${y1 - 60}, ${x2 - bend} ${y2 - 60}, ${x2} ${y2}`;
    const failed = edge.stats.failed > 0;
    edgeLayer.append(
      svg(
        'path',
        { d: path, class: ['edge', failed ? 'failed' : ''], 'marker-end': 'url(#map-arrow)' },
        svg('title', null, `${displayText(from.label)} → ${displayText(to.label)}: ${statsText(edge.stats)}`),
      ),
    );
    const [labelX, labelY] = forward ? [(x1 + x2) / 2, (y1 + y2) / 2] : [(x1 + x2) / 2, Math.min(y1, y2) - 45];
    labelLayer.append(edgeLabel(labelX, labelY, edge.stats));
  }
  const nodeLayer = svg('g', { class: 'nodes' });
  for (const node of map.nodes) nodeLayer.append(drawNode(node));
  root.append(edgeLayer, nodeLayer, labelLayer);
  return root;
}

function drawNode(node: MapNode): SVGGElement {
  const x = nodeX(node);
  const y = nodeY(node);
  const failedRatio = node.stats.calls > 0 ? node.stats.failed / node.stats.calls : 0;
  const lines =
    node.kind === 'role'
      ? node.stats.calls > 0
        ? `${plural(node.stats.calls, '{0} request', '{0} requests')} · ${formatDuration(node.stats.durationSum / node.stats.calls)} · ${t('{0} failed', formatPercent(failedRatio))}`
        : node.inProcess > 0
          ? plural(node.inProcess, '{0} in-process span', '{0} in-process spans')
          : t('no incoming requests')
      : `${node.detail || t('dependency')} · ${plural(node.stats.calls, '{0} call', '{0} calls')}`;
  return svg(
    'g',
    {
      class: ['node', `node-${node.kind}`, failedRatio > 0 ? 'has-failures' : ''],
      transform: `translate(${x}, ${y})`,
      'data-node': node.id,
    },
    svg('title', null, `${displayText(node.label)}\n${lines}`),
    svg('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6, class: 'node-box' }),
    svg('rect', { width: 4, height: NODE_HEIGHT - 12, x: 0, y: 6, rx: 2, class: 'node-accent' }),
    svg('text', { x: 14, y: 24, class: 'node-label' }, truncate(node.label, 28)),
    svg('text', { x: 14, y: 44, class: 'node-detail' }, truncate(lines, 38)),
    svg('text', { x: NODE_WIDTH - 10, y: 24, class: 'node-kind', 'text-anchor': 'end' }, node.kind === 'role' ? t('role') : ''),
  );
}

function edgeLabel(x: number, y: number, stats: CallStats): SVGGElement {
  const text = statsText(stats);
  const width = Math.max(60, text.length * 6.2 + 12);
  return svg(
    'g',
    { class: ['edge-label', stats.failed > 0 ? 'failed' : ''], transform: `translate(${x - width / 2}, ${y - 10})` },
    svg('rect', { width, height: 20, rx: 10, class: 'edge-label-box' }),
    svg('text', { x: width / 2, y: 14, 'text-anchor': 'middle' }, text),
  );
}

function statsText(stats: CallStats): string {
  const average = stats.calls > 0 ? stats.durationSum / stats.calls : 0;
  return `${plural(stats.calls, '{0} call', '{0} calls')} · ${formatDuration(average)} · ${t('{0} failed', formatPercent(stats.calls > 0 ? stats.failed / stats.calls : 0))}`;
}

function nodeX(node: MapNode): number {
  return MARGIN + node.column * (NODE_WIDTH + COLUMN_GAP);
}

function nodeY(node: MapNode): number {
  return MARGIN + node.row * (NODE_HEIGHT + ROW_GAP);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
