/**
 * The exceptions of the current run, grouped by where they were raised in the app's own code (the
 * innermost frame that is not a library's), for the Problems panel (issue 18): "ValueError: no
 * price — raised 3× in the last run". Counted as items arrive (never by rescanning the store), and
 * bounded: at most `maxGroups` places are tracked, later new ones are counted as dropped. Plain
 * Node: never import `vscode` here.
 */
import type { PanelSourceFrame } from '../../shared/messages';
import type { TelemetryItem } from '../store/telemetryItem';
import { exceptionFrames, innermostAppFrame } from './stackFrames';

export interface RunExceptionGroup {
  readonly typeName: string;
  /** First line of the message, at most {@link MAX_GROUP_MESSAGE} characters. */
  readonly message: string;
  readonly frame: PanelSourceFrame & { readonly line: number };
  count: number;
  /** The newest occurrence's transaction, for "Show in Live Telemetry". */
  operationId?: string;
  lastTime: number;
}

export const MAX_GROUP_MESSAGE = 200;
export const DEFAULT_MAX_GROUPS = 500;

function firstLine(text: string | undefined): string {
  if (typeof text !== 'string') return '';
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > MAX_GROUP_MESSAGE ? `${line.slice(0, MAX_GROUP_MESSAGE)}…` : line;
}

export class RunExceptions {
  private readonly byKey = new Map<string, RunExceptionGroup>();
  /** Exceptions of this run at a place not tracked because `maxGroups` was reached. */
  dropped = 0;

  constructor(private readonly maxGroups = DEFAULT_MAX_GROUPS) {}

  /** Counts the exceptions among `items`; true when a group changed. */
  add(items: readonly TelemetryItem[]): boolean {
    let changed = false;
    for (const item of items) {
      if (item.table !== 'exceptions') continue;
      const detail = item.exceptions?.[0];
      if (!detail) continue;
      const frame = innermostAppFrame(exceptionFrames(detail));
      if (!frame || frame.line === undefined) continue;
      const typeName = firstLine(detail.typeName) || 'Exception';
      const message = firstLine(detail.message);
      const key = JSON.stringify([frame.file, frame.line, typeName, message]);
      let group = this.byKey.get(key);
      if (!group) {
        if (this.byKey.size >= this.maxGroups) {
          this.dropped++;
          continue;
        }
        group = { typeName, message, frame: { ...frame, line: frame.line }, count: 0, lastTime: item.time };
        this.byKey.set(key, group);
      }
      group.count++;
      group.lastTime = Math.max(group.lastTime, item.time);
      if (item.operationId) group.operationId = item.operationId;
      changed = true;
    }
    return changed;
  }

  /** A new run started (or the user cleared the list). */
  reset(): void {
    this.byKey.clear();
    this.dropped = 0;
  }

  groups(): RunExceptionGroup[] {
    return [...this.byKey.values()];
  }
}
