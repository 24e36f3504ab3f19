/**
 * What every uPlot chart in the panel shares: it is created once its element has a width, follows
 * the container's width, is rebuilt in the new colours on a theme switch, and draws its axes in the
 * theme's colours and font. Subclasses only say how to build their plot.
 */
import uPlot from 'uplot';
import { onThemeChange, readThemeColors, type ThemeColors, withAlpha } from './theme';

export abstract class ThemedPlot {
  protected plot: uPlot | undefined;
  private width = 0;
  private readonly resizeObserver: ResizeObserver;
  private readonly stopThemeWatch: () => void;

  protected constructor(
    readonly element: HTMLElement,
    private readonly height: number,
  ) {
    element.style.height = `${height}px`;
    this.resizeObserver = new ResizeObserver(() => this.onResize());
    this.resizeObserver.observe(element);
    this.stopThemeWatch = onThemeChange(() => this.rebuild());
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    this.stopThemeWatch();
    this.plot?.destroy();
    this.plot = undefined;
  }

  /** Builds the plot at this size in these colours (called on first width, and after a theme switch or a shape change). */
  protected abstract build(size: { width: number; height: number }, theme: ThemeColors): uPlot;

  /** Creates the plot when the element first has a width, or follows a width change. */
  protected onResize(): void {
    const width = Math.floor(this.element.clientWidth);
    if (width <= 0) return;
    if (!this.plot) {
      this.width = width;
      this.plot = this.build({ width, height: this.height }, readThemeColors());
    } else if (width !== this.width) {
      this.width = width;
      this.plot.setSize({ width, height: this.height });
    }
  }

  protected rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.onResize();
  }
}

/** Axis lines, grid, ticks and labels in the theme's colours and font. */
export function themedAxis(theme: ThemeColors): uPlot.Axis {
  return {
    stroke: theme.axis,
    font: theme.font,
    grid: { stroke: withAlpha(theme.grid, 0.35), width: 1 },
    ticks: { stroke: withAlpha(theme.grid, 0.5), width: 1, size: 4 },
    gap: 4,
  };
}
