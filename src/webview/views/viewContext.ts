/** What every view gets: the model, the host connection, and a way to move to another view. */
import type { DeliveryFilter } from '../model/deliverySummary';
import type { TelemetryModel } from '../model/telemetryModel';
import type { HostConnection, ViewId } from '../vscodeApi';

/** Where a navigation lands: a transaction, a query to run, or Transactions filtered by delivery (issue 19). */
export interface RevealTarget {
  readonly operationId?: string;
  readonly query?: string;
  readonly delivery?: DeliveryFilter;
}

export interface ViewContext {
  readonly model: TelemetryModel;
  readonly host: HostConnection;
  /** Switches tab; `operationId` selects that transaction in the Transactions view, `query` runs in the Query view. */
  navigate(view: ViewId, target?: RevealTarget): void;
  /** Sends the text to the host for the clipboard; tells the user once the host has written it (or why not). */
  copy(text: string, what: string): void;
}

export interface PanelView {
  readonly id: ViewId;
  readonly element: HTMLElement;
  /**
   * Brings the view up to date with the model. Called once per animation frame while the view is
   * visible and the model changed, and with `force` when the view is shown. Returns true when it
   * skipped work (throttled) and wants to be called again on a later frame.
   */
  render(force: boolean): boolean;
  /** For periodic views (Live): called about once a second while visible. */
  tick?(): void;
  /** For cross-view navigation. */
  reveal?(target: RevealTarget): void;
}

/**
 * For views whose refresh is O(n): refresh at most every `intervalMs` while the data is large,
 * always when forced or when the data is small enough to refresh every frame.
 */
export class Throttle {
  private last = -Infinity;
  constructor(
    private readonly intervalMs: number,
    private readonly smallSize = 2000,
  ) {}

  ready(force: boolean, size: number): boolean {
    const now = performance.now();
    if (!force && size > this.smallSize && now - this.last < this.intervalMs) return false;
    this.last = now;
    return true;
  }
}
