/**
 * Which endpoint a request target names. The raw target is split by hand, never with `new URL()`:
 * Python clients post to `//v2.1/track` (endpoint ending in `/` + `/v2.1/track`), which a URL
 * parser would read as a host. Any prefix is allowed (an unguessable path prefix survives in the
 * connection string). Pure. Plain Node: never import `vscode` here.
 */

export type Route = 'track' | 'live-ping' | 'live-post' | 'otlp-traces' | 'otlp-metrics' | 'otlp-logs' | 'query';

export type OtlpRoute = Extract<Route, `otlp-${string}`>;

export interface RequestTarget {
  readonly route?: Route;
  /** The path with `//` runs collapsed, for logs. */
  readonly path: string;
  readonly query: URLSearchParams;
}

const TRACK_SUFFIXES = ['/v2/track', '/v2.1/track'];
const LIVE_PING_SUFFIX = '/quickpulseservice.svc/ping';
const LIVE_POST_SUFFIX = '/quickpulseservice.svc/post';
/** KQL over the relay's store, for the local key only (queryHandler.ts). */
const QUERY_SUFFIX = '/azmon/query';
/** OTLP/HTTP: `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/<signal>`. */
const OTLP_SUFFIXES: readonly [string, OtlpRoute][] = [
  ['/v1/traces', 'otlp-traces'],
  ['/v1/metrics', 'otlp-metrics'],
  ['/v1/logs', 'otlp-logs'],
];

export function parseRequestTarget(rawTarget: string): RequestTarget {
  const queryStart = rawTarget.search(/[?#]/);
  const rawPath = queryStart < 0 ? rawTarget : rawTarget.slice(0, queryStart);
  const rawQuery = queryStart >= 0 && rawTarget[queryStart] === '?' ? rawTarget.slice(queryStart + 1).split('#')[0] : '';
  const path = `/${rawPath
    .split('/')
    .filter((segment) => segment !== '')
    .join('/')}`;
  const lower = path.toLowerCase();
  let route: Route | undefined;
  if (TRACK_SUFFIXES.some((suffix) => lower.endsWith(suffix))) {
    route = 'track';
  } else if (lower.endsWith(LIVE_PING_SUFFIX)) {
    route = 'live-ping';
  } else if (lower.endsWith(LIVE_POST_SUFFIX)) {
    route = 'live-post';
  } else if (lower.endsWith(QUERY_SUFFIX)) {
    route = 'query';
  } else {
    route = OTLP_SUFFIXES.find(([suffix]) => lower.endsWith(suffix))?.[1];
  }
  return { route, path, query: new URLSearchParams(rawQuery) };
}

export function isOtlpRoute(route: Route | undefined): route is OtlpRoute {
  return route === 'otlp-traces' || route === 'otlp-metrics' || route === 'otlp-logs';
}
