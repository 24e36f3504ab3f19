/**
 * Where the forwarder may follow a 307/308 from the ingestion service: Azure Monitor ingestion
 * domains only (public, sovereign, and the connection string's own EndpointSuffix), plus loopback so
 * tests can run a regional fake. Anything else is refused: a redirect must never carry telemetry or
 * a bearer token to a foreign host (the JS exporter's rule). Plain Node: never import `vscode` here.
 */
import type { ConnectionString } from '../connectionString';

export const MAX_CONSECUTIVE_REDIRECTS = 10;

const AZURE_INGESTION_SUFFIXES = [
  'applicationinsights.azure.com',
  'services.visualstudio.com',
  'applicationinsights.azure.cn',
  'applicationinsights.azure.us',
  'applicationinsights.us',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

export type RedirectDecision = { readonly ok: true; readonly endpoint: string } | { readonly ok: false; readonly reason: string };

/**
 * Resolves `Location` against the URL that answered and decides. The remembered endpoint is the
 * target's origin with a trailing `/` (the SDKs keep `scheme://netloc` and append the track path).
 */
export function decideRedirect(
  location: string | undefined,
  requestUrl: string,
  connectionString: ConnectionString | undefined,
): RedirectDecision {
  if (!location) {
    return { ok: false, reason: 'the redirect has no Location header' };
  }
  let target: URL;
  try {
    target = new URL(location, requestUrl);
  } catch {
    return { ok: false, reason: 'the redirect Location is not a URL' };
  }
  const host = target.hostname.toLowerCase();
  if (isLoopbackHost(host)) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { ok: false, reason: `the redirect uses ${target.protocol}` };
    }
  } else {
    if (target.protocol !== 'https:') {
      return { ok: false, reason: `the redirect to ${host} is not https` };
    }
    const suffixes = [...AZURE_INGESTION_SUFFIXES];
    if (connectionString?.endpointSuffix) {
      suffixes.push(connectionString.endpointSuffix.toLowerCase());
    }
    if (!suffixes.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
      return { ok: false, reason: `the redirect to ${host} leaves the Azure Monitor domains` };
    }
  }
  return { ok: true, endpoint: `${target.origin}/` };
}
