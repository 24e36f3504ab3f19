/**
 * An action run at most once per interval. `request()` runs it on the next timer turn when the last
 * run is an interval old, else when the interval is over; requests meanwhile share that one run.
 * `runNow()` runs it at once and cancels a pending run. Used where a burst of changes must become
 * one update without delaying the first (the panel's forwarding status, runtime-exception
 * diagnostics). Plain Node: never import `vscode` here.
 */
import type { Disposable } from '../shared/lifecycle';

export class PacedAction implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private lastRun = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
  ) {}

  request(): void {
    if (this.disposed || this.timer) return;
    const wait = Math.max(0, this.lastRun + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.runNow(), wait);
  }

  runNow(): void {
    if (this.disposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastRun = Date.now();
    this.action();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
