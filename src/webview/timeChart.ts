/**
 * A small time-series chart (uPlot on a canvas) in VS Code theme colours. It is created once the
 * element has a width, follows its container's width, and is rebuilt on theme change.
 */
import uPlot from 'uplot';
import { h } from './dom';
import { type ChartColor, type ThemeColors, withAlpha } from './theme';
import { ThemedPlot, themedAxis } from './themedPlot';

export interface ChartLine {
  readonly label: string;
  readonly color: ChartColor;
  readonly fill?: boolean;
}

export interface TimeChartOptions {
  readonly lines: readonly ChartLine[];
  readonly height: number;
  readonly formatValue: (value: number) => string;
  /** Fixed y range start (rates and counts start at 0). */
  readonly yMin?: number;
  /** Render points as well (sparse metrics). */
  readonly points?: boolean;
}

export class TimeChart extends ThemedPlot {
  private data: uPlot.AlignedData = [[]];

  constructor(private readonly options: TimeChartOptions) {
    super(h('div', { class: 'chart' }), options.height);
  }

  /** `times` in epoch seconds; one value array per line. */
  setData(times: readonly number[], ...values: readonly (readonly (number | null)[])[]): void {
    this.data = [times as number[], ...(values as (number | null)[][])];
    if (this.plot) this.plot.setData(this.data);
    else this.onResize();
  }

  protected build(size: { width: number; height: number }, theme: ThemeColors): uPlot {
    const format = this.options.formatValue;
    const axis = themedAxis(theme);
    return new uPlot(
      {
        ...size,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 6 } },
        padding: [8, 24, 0, 0],
        scales: {
          x: { time: true, range: (_plot, min, max) => xRange(min, max, this.data[0]) },
          y: { range: (_plot, min, max) => yRange(min, max, this.options.yMin) },
        },
        axes: [
          { ...axis, space: 70, size: 30, values: (_plot, ticks) => ticks.map((tick) => clock(tick)) },
          { ...axis, size: (_plot, values) => axisWidth(values), values: (_plot, ticks) => ticks.map((tick) => format(tick)) },
        ],
        series: [
          {},
          ...this.options.lines.map((line) => ({
            label: line.label,
            stroke: theme.series[line.color],
            width: theme.isHighContrast ? 2 : 1.5,
            fill: line.fill ? withAlpha(theme.series[line.color], 0.12) : undefined,
            points: { show: this.options.points ?? false, size: 4 },
            spanGaps: this.options.points ?? false,
            value: (_plot: uPlot, value: number | null) => (value === null ? '–' : format(value)),
          })),
        ],
      },
      this.data,
      this.element,
    );
  }
}

const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const minuteFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hour12: false });

/** 24-hour tick labels, seconds only when the tick is not on a whole minute. */
function clock(epochSeconds: number): string {
  return epochSeconds % 60 === 0 ? minuteFormat.format(epochSeconds * 1000) : clockFormat.format(epochSeconds * 1000);
}

/** Room for the longest y tick label (uPlot clips labels that do not fit). */
function axisWidth(values: readonly string[] | null): number {
  const longest = values ? Math.max(0, ...values.map((value) => String(value).length)) : 4;
  return Math.max(36, Math.ceil(longest * 6.6) + 14);
}

/** One point (or all at one instant) would give a zero-width axis with every tick at the same time: show a minute around it. */
function xRange(min: number | null, max: number | null, times: ArrayLike<number>): uPlot.Range.MinMax {
  // For a single instant uPlot widens a time axis to a whole day (every tick reads 00:00): judge by the data.
  if (times.length > 0 && times[0] === times[times.length - 1]) return [times[0]! - 30, times[0]! + 30];
  return [min, max];
}

function yRange(min: number | null, max: number | null, floor: number | undefined): uPlot.Range.MinMax {
  let low = min ?? 0;
  let high = max ?? 1;
  if (floor !== undefined) low = Math.min(floor, low);
  if (high <= low) {
    // A single value sits in the middle of the chart, not on its edge.
    const half = (Math.abs(low) || 1) / 2;
    if (floor === undefined || low - half >= floor) low -= half;
    high += half;
  }
  const pad = (high - low) * 0.1;
  return [floor !== undefined && low >= floor ? low : low - pad, high + pad];
}
