/**
 * The Performance tab's duration distribution: bars (uPlot on a canvas, theme colours) over the bins
 * of a {@link Histogram}. Dragging across the bars picks a duration range, snapped to whole bins;
 * the x axis runs in bin units so logarithmic bins get bars of equal width.
 */
import uPlot from 'uplot';
import { h } from './dom';
import { formatCount, formatDuration } from './format';
import type { DurationRange, Histogram } from './model/performance';
import { type ThemeColors, withAlpha } from './theme';
import { ThemedPlot, themedAxis } from './themedPlot';

export class HistogramChart extends ThemedPlot {
  private histogram: Histogram = { edges: [0, 1], counts: [0], logarithmic: false };
  /** While the mouse button is down on the chart, new data waits: a rebuild would drop the drag. */
  private dragging = false;
  private pending: Histogram | undefined;

  constructor(
    height: number,
    label: string,
    /** Called with the bins' duration range after a drag (undefined: the selection was cleared). */
    private readonly onSelect: (range: DurationRange | undefined) => void,
  ) {
    super(h('div', { class: 'chart histogram-chart', role: 'img', 'aria-label': label }), height);
    this.element.addEventListener('pointerdown', () => {
      this.dragging = true;
    });
    window.addEventListener('pointerup', () => {
      if (!this.dragging) return;
      this.dragging = false;
      const pending = this.pending;
      this.pending = undefined;
      if (pending) this.setHistogram(pending);
    });
  }

  setHistogram(histogram: Histogram): void {
    if (this.dragging) {
      this.pending = histogram;
      return;
    }
    const changed =
      histogram.edges.length !== this.histogram.edges.length || histogram.edges.some((edge, index) => edge !== this.histogram.edges[index]);
    this.histogram = histogram;
    this.element.dataset.bins = String(histogram.counts.length);
    this.element.dataset.total = String(histogram.counts.reduce((sum, count) => sum + count, 0));
    if (!this.plot) this.onResize();
    else if (changed) this.rebuild();
    else this.plot.setData(this.data());
  }

  /** Removes the drawn selection (the owner cleared the range). */
  clearSelection(): void {
    this.plot?.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
  }

  private data(): uPlot.AlignedData {
    const counts = this.histogram.counts;
    return [counts.map((_, index) => index + 0.5), [...counts]];
  }

  /** The duration at a position on the x axis (bin units), interpolated within its bin. */
  private durationAt(position: number): number {
    const edges = this.histogram.edges;
    const index = Math.max(0, Math.min(edges.length - 2, Math.floor(position)));
    const fraction = Math.max(0, Math.min(1, position - index));
    const low = edges[index]!;
    const high = edges[index + 1]!;
    return this.histogram.logarithmic && low > 0 ? low * Math.pow(high / low, fraction) : low + (high - low) * fraction;
  }

  protected build(size: { width: number; height: number }, theme: ThemeColors): uPlot {
    const bins = this.histogram.counts.length;
    const axis = themedAxis(theme);
    return new uPlot(
      {
        ...size,
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        select: { show: true, left: 0, top: 0, width: 0, height: 0 },
        padding: [8, 16, 0, 0],
        scales: { x: { time: false, range: () => [0, bins] }, y: { range: (_plot, _min, max) => [0, Math.max(1, (max ?? 1) * 1.1)] } },
        axes: [
          { ...axis, space: 64, size: 30, values: (_plot, ticks) => ticks.map((tick) => formatDuration(this.durationAt(tick))) },
          { ...axis, size: 40, values: (_plot, ticks) => ticks.map((tick) => (Number.isInteger(tick) ? formatCount(tick) : '')) },
        ],
        series: [
          {},
          {
            label: 'count',
            stroke: theme.series.blue,
            fill: withAlpha(theme.series.blue, 0.5),
            width: 1,
            points: { show: false },
            paths: uPlot.paths.bars!({ size: [0.9, Infinity], gap: 1 }),
          },
        ],
        hooks: {
          setSelect: [
            (plot) => {
              const { left, width } = plot.select;
              if (width < 2) {
                this.onSelect(undefined);
                return;
              }
              const from = Math.floor(plot.posToVal(left, 'x'));
              const to = Math.ceil(plot.posToVal(left + width, 'x'));
              const edges = this.histogram.edges;
              const first = Math.max(0, Math.min(bins - 1, from));
              const last = Math.max(first + 1, Math.min(bins, to));
              this.onSelect({ from: edges[first]!, to: edges[last]! });
            },
          ],
        },
      },
      this.data(),
      this.element,
    );
  }
}
