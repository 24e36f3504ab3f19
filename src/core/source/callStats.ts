/**
 * The numbers of the lenses in the code (issue 18): the current run's requests and dependencies,
 * aggregated as they arrive into groups (one per request name, per span name, per dependency URL or
 * statement), and matched to what the language server found in a file: a Flask / FastAPI / Django
 * route template, a span name, an HTTP URL or SQL statement as written in the code. Bounded: at
 * most `maxGroups` groups and `MAX_DURATIONS_PER_GROUP` durations each. Plain Node: no `vscode`.
 */
import type { CallStats, CodeTelemetryTarget, DependencyTarget, RouteTarget } from '../../shared/telemetryLens';
import type { TelemetryItem } from '../store/telemetryItem';

export const DEFAULT_MAX_GROUPS = 5_000;
/** Beyond this many calls a group still counts, but its p95 is of the first ones. */
export const MAX_DURATIONS_PER_GROUP = 10_000;
/** Longest name / data kept as a group key (characters). */
const MAX_KEY_TEXT = 2_000;
/** Values listed in the query the lens opens. */
const MAX_QUERY_VALUES = 20;

export interface CallGroup {
  readonly table: 'requests' | 'dependencies';
  readonly name: string;
  readonly type: string;
  readonly data: string;
  calls: number;
  failed: number;
  readonly durations: number[];
}

export interface TargetStats extends CallStats {
  /** A KQL query listing these calls (the Query tab runs it; it also runs in Application Insights Logs). */
  readonly query: string;
}

type GroupMatcher = (group: CallGroup) => boolean;

/** Which groups a target can match: request groups, dependency groups, or any group of one name (spans). */
type Pool = 'requests' | 'dependencies' | { readonly name: string };

/** A target's matches so far: groups are only ever appended, so each is tested once per target. */
interface TargetMatches {
  readonly matcher: GroupMatcher | undefined;
  readonly pool: Pool;
  checked: number;
  readonly matched: CallGroup[];
}

export class RunCallStats {
  private readonly groups = new Map<string, CallGroup>();
  private readonly requests: CallGroup[] = [];
  private readonly dependencies: CallGroup[] = [];
  private readonly byName = new Map<string, CallGroup[]>();
  private readonly targets = new Map<string, TargetMatches>();
  /** Calls of this run not counted because `maxGroups` was reached. */
  dropped = 0;

  constructor(private readonly maxGroups = DEFAULT_MAX_GROUPS) {}

  get size(): number {
    return this.groups.size;
  }

  /** Counts the requests and dependencies among `items`; true when a group changed. */
  add(items: readonly TelemetryItem[]): boolean {
    let changed = false;
    for (const item of items) {
      if ((item.table !== 'requests' && item.table !== 'dependencies') || item.statsbeat) continue;
      const name = (item.name ?? '').slice(0, MAX_KEY_TEXT);
      const type = item.table === 'dependencies' ? (item.type ?? '').slice(0, 100) : '';
      const data = item.table === 'dependencies' ? (item.data ?? item.url ?? '').slice(0, MAX_KEY_TEXT) : '';
      const key = JSON.stringify([item.table, name, type, data]);
      let group = this.groups.get(key);
      if (!group) {
        if (this.groups.size >= this.maxGroups) {
          this.dropped++;
          continue;
        }
        group = { table: item.table, name, type, data, calls: 0, failed: 0, durations: [] };
        this.groups.set(key, group);
        (item.table === 'requests' ? this.requests : this.dependencies).push(group);
        const named = this.byName.get(name);
        if (named) named.push(group);
        else this.byName.set(name, [group]);
      }
      group.calls++;
      if (item.success === false) group.failed++;
      if (typeof item.duration === 'number' && Number.isFinite(item.duration) && group.durations.length < MAX_DURATIONS_PER_GROUP)
        group.durations.push(item.duration);
      changed = true;
    }
    return changed;
  }

  /** A new run started. */
  reset(): void {
    this.groups.clear();
    this.requests.length = 0;
    this.dependencies.length = 0;
    this.byName.clear();
    this.targets.clear();
    this.dropped = 0;
  }

  /** The target's calls in this run; undefined when none matched (no lens then). */
  statsFor(target: CodeTelemetryTarget): TargetStats | undefined {
    const matches = this.matchesOf(target);
    if (!matches.matcher) return undefined;
    const pool =
      matches.pool === 'requests'
        ? this.requests
        : matches.pool === 'dependencies'
          ? this.dependencies
          : (this.byName.get(matches.pool.name) ?? []);
    for (; matches.checked < pool.length; matches.checked++) {
      const group = pool[matches.checked]!;
      if (matches.matcher(group)) matches.matched.push(group);
    }
    const matched = matches.matched;
    if (matched.length === 0) return undefined;
    let calls = 0;
    let failed = 0;
    const durations: number[] = [];
    for (const group of matched) {
      calls += group.calls;
      failed += group.failed;
      for (const duration of group.durations) durations.push(duration);
    }
    return { calls, failed, ...(durations.length > 0 ? { p95: percentile(durations, 0.95) } : {}), query: queryFor(target, matched) };
  }

  private matchesOf(target: CodeTelemetryTarget): TargetMatches {
    const key = JSON.stringify({ ...target, line: 0 });
    let matches = this.targets.get(key);
    if (!matches) {
      // Bounded like the groups: a file edited for hours does not pile up stale targets.
      if (this.targets.size >= this.maxGroups) this.targets.clear();
      const pool: Pool = target.kind === 'route' ? 'requests' : target.kind === 'span' ? { name: target.name } : 'dependencies';
      matches = { matcher: matcherFor(target), pool, checked: 0, matched: [] };
      this.targets.set(key, matches);
    }
    return matches;
  }
}

/** Nearest-rank percentile. */
export function percentile(values: number[], fraction: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

function matcherFor(target: CodeTelemetryTarget): GroupMatcher | undefined {
  switch (target.kind) {
    case 'route':
      return routeMatcher(target);
    case 'span':
      return (group) => group.name === target.name;
    case 'http':
    case 'db':
      return dependencyMatcher(target);
  }
}

const METHOD_AND_PATH = /^([A-Z]{3,7}) (\S.*)$/;

/**
 * Requests of a route: named `GET /orders/<int:id>` (OpenTelemetry: method and route template),
 * `GET /orders/5` (a concrete path), `GET orders/<int:id>/` (Django's route), or by the Django URL
 * name (`order-detail`, `shop:order-detail`).
 */
export function routeMatcher(target: RouteTarget): GroupMatcher | undefined {
  const pattern = routePattern(target);
  if (!pattern) return undefined;
  // The template's text before its first placeholder is in every matching name: a cheap test first.
  const fixed = target.regex ? '' : target.template.split(/[<{]/, 1)[0]!.replace(/^\//, '');
  return (group) => {
    if (group.table !== 'requests') return false;
    if (target.urlName && (group.name === target.urlName || group.name.endsWith(`:${target.urlName}`))) return true;
    if (!group.name.includes(fixed)) return false;
    const parsed = METHOD_AND_PATH.exec(group.name);
    const method = parsed?.[1];
    let path = parsed ? parsed[2]! : group.name;
    if (method !== undefined && target.methods.length > 0 && !target.methods.includes(method)) return false;
    if (/^https?:\/\//i.test(path)) {
      try {
        path = new URL(path).pathname;
      } catch {
        return false;
      }
    }
    return path === target.template || pattern.test(path);
  };
}

/** Flask `<int:id>` / `<path:p>`, FastAPI `{item_id}` / `{p:path}`, Django `<slug:s>` → one path segment (or any, for path). */
const PLACEHOLDER = /<(?:(\w+):)?(\w+)>|\{(\w+)(?::(\w+))?\}/g;

export function routePattern(target: RouteTarget): RegExp | undefined {
  if (target.regex) {
    // Django re_path: the app's own regular expression (Python's named groups written the JavaScript way), matched against the path's end.
    const source = target.template
      .replace(/^\^/, '')
      .replace(/\(\?P</g, '(?<')
      .replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
    try {
      return new RegExp(`(?:^|/)(?:${source})`);
    } catch {
      return undefined;
    }
  }
  // Django routes are relative (and may sit under an include() prefix); Flask / FastAPI ones are whole.
  const django = target.framework === 'django';
  const template = django ? target.template.replace(/^\//, '') : target.template.replace(/\/$/, '');
  let source = '';
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(template.slice(last, match.index));
    const converter = match[1] ?? match[4];
    source += converter === 'path' ? '.+' : '[^/]+';
    last = match.index + match[0].length;
  }
  source += escapeRegExp(template.slice(last));
  return django ? new RegExp(`(?:^|/)${source}$`) : new RegExp(`^${source}/?$`);
}

function dependencyMatcher(target: DependencyTarget): GroupMatcher | undefined {
  const parts = target.kind === 'http' ? target.url : target.statement;
  if (!parts) return undefined;
  if (target.kind === 'http') {
    const pattern = new RegExp(`^${partsPattern(parts, false)}(?:[?#].*)?$`, 'i');
    const longest = parts.reduce<string>((best, part) => (part !== null && part.length > best.length ? part : best), '').toLowerCase();
    return (group) => {
      if (group.table !== 'dependencies' || !/http/i.test(group.type) || !group.data.toLowerCase().includes(longest)) return false;
      if (target.method && METHOD_AND_PATH.test(group.name) && !group.name.startsWith(`${target.method} `)) return false;
      if (target.method && /^[A-Z]{3,7}$/.test(group.name) && group.name !== target.method) return false;
      return pattern.test(group.data);
    };
  }
  const pattern = new RegExp(`^\\s*${partsPattern(parts, true)}[\\s;]*$`, 'i');
  return (group) => group.table === 'dependencies' && !/http|inproc/i.test(group.type) && pattern.test(group.data);
}

/** Literal pieces escaped (whitespace runs as `\s+` for SQL), interpolated pieces as anything. */
function partsPattern(parts: readonly (string | null)[], flexibleSpace: boolean): string {
  return parts
    .map((part) => {
      if (part === null) return '.*?';
      const text = flexibleSpace ? part.trim() : part;
      return flexibleSpace ? text.split(/\s+/).map(escapeRegExp).join('\\s+') : escapeRegExp(text);
    })
    .join(flexibleSpace ? '\\s*' : '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A KQL string literal. */
export function kqlString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`;
}

function queryFor(target: CodeTelemetryTarget, groups: readonly CallGroup[]): string {
  const values = (pick: (group: CallGroup) => string): string =>
    [...new Set(groups.map(pick))].slice(0, MAX_QUERY_VALUES).map(kqlString).join(', ');
  const columns = '| project timestamp, name, duration, success, operation_Id';
  if (target.kind === 'http' || target.kind === 'db') {
    return `dependencies\n| where data in (${values((group) => group.data)})\n${columns}, data, resultCode\n| order by timestamp desc`;
  }
  const table = groups.every((group) => group.table === 'requests')
    ? 'requests'
    : groups.every((group) => group.table === 'dependencies')
      ? 'dependencies'
      : 'union requests, dependencies';
  return `${table}\n| where name in (${values((group) => group.name)})\n${columns}\n| order by timestamp desc`;
}
