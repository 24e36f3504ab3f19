/**
 * Colours the canvas charts and the SVG map need as concrete values: read from VS Code's theme
 * variables (the host sets them on <html> and a `vscode-light|dark|high-contrast` class on <body>),
 * and re-read when the user switches theme.
 */

export type ChartColor = 'blue' | 'red' | 'green' | 'yellow' | 'orange' | 'purple' | 'foreground';

const FALLBACK: Record<ChartColor, string> = {
  blue: '#3794ff',
  red: '#f14c4c',
  green: '#89d185',
  yellow: '#cca700',
  orange: '#d18616',
  purple: '#b180d7',
  foreground: '#cccccc',
};

export interface ThemeColors {
  readonly series: Record<ChartColor, string>;
  readonly axis: string;
  readonly grid: string;
  readonly font: string;
  readonly isHighContrast: boolean;
}

export function readThemeColors(): ThemeColors {
  const style = getComputedStyle(document.body);
  const variable = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  const series = {} as Record<ChartColor, string>;
  for (const color of Object.keys(FALLBACK) as ChartColor[]) series[color] = variable(`--vscode-charts-${color}`, FALLBACK[color]);
  const fontSize = Math.max(10, Math.round(parseFloat(style.fontSize || '13') * 0.85));
  return {
    series,
    axis: variable('--vscode-descriptionForeground', style.color || '#888888'),
    grid: variable('--vscode-charts-lines', 'rgba(128,128,128,0.35)'),
    font: `${fontSize}px ${style.fontFamily || 'sans-serif'}`,
    isHighContrast:
      document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

type Listener = () => void;
const listeners = new Set<Listener>();
let observer: MutationObserver | undefined;

/** Calls `listener` after a theme switch; returns the unsubscribe function. */
export function onThemeChange(listener: Listener): () => void {
  listeners.add(listener);
  if (!observer) {
    let scheduled = false;
    observer = new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        for (const each of [...listeners]) each();
      });
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  }
  return () => listeners.delete(listener);
}

/** Adds transparency to a theme colour (hex or rgb) for fills. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color.trim());
  if (hex) {
    let digits = hex[1]!;
    if (digits.length === 3 || digits.length === 4) digits = [...digits].map((digit) => digit + digit).join('');
    const [r, g, b] = [0, 2, 4].map((offset) => parseInt(digits.slice(offset, offset + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(color.trim());
  return rgb ? `rgba(${rgb[1]!.trim()}, ${rgb[2]!.trim()}, ${rgb[3]!.trim()}, ${alpha})` : color;
}
