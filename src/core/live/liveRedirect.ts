/**
 * Where the relay may follow a Live Metrics `x-ms-qps-service-endpoint-redirect-v2`: Azure Monitor
 * live hosts only (the suffixes `@azure/monitor-opentelemetry` accepts, plus the connection
 * string's own EndpointSuffix), and loopback so tests can run a second fake. Like the SDKs, the
 * relay keeps only the host and speaks https to it. Pure. Plain Node: never import `vscode` here.
 */
import { isLoopbackHost } from '../forward/redirectPolicy';

/** Same list as the SDK's `ALLOWED_REDIRECT_DOMAIN_SUFFIXES` (metrics/quickpulse/redirectUtils). */
const AZURE_LIVE_SUFFIXES = [
  'livediagnostics.monitor.azure.com',
  'monitor.azure.com',
  'services.visualstudio.com',
  'applicationinsights.azure.com',
  'monitor.azure.us',
  'applicationinsights.azure.us',
  'monitor.azure.cn',
  'applicationinsights.azure.cn',
];

export type LiveRedirectDecision = { readonly ok: true; readonly endpoint: string } | { readonly ok: false; readonly reason: string };

/** The endpoint (`scheme://host[:port]/`) to use from now on, or why not. */
export function decideLiveRedirect(value: string, endpointSuffix: string | undefined): LiveRedirectDecision {
  let target: URL;
  try {
    // The header may be a bare host or a URL.
    target = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) ? value.trim() : `https://${value.trim()}`);
  } catch {
    return { ok: false, reason: 'the redirect is not a URL or host' };
  }
  const host = target.hostname.toLowerCase().replace(/\.+$/, '');
  if (host === '') {
    return { ok: false, reason: 'the redirect names no host' };
  }
  if (isLoopbackHost(host)) {
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { ok: false, reason: `the redirect uses ${target.protocol}` };
    }
    return { ok: true, endpoint: `${target.protocol}//${target.host}/` };
  }
  const suffixes = endpointSuffix ? [...AZURE_LIVE_SUFFIXES, endpointSuffix.toLowerCase()] : AZURE_LIVE_SUFFIXES;
  if (!suffixes.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
    return { ok: false, reason: `the redirect to ${host} leaves the Azure Monitor domains` };
  }
  return { ok: true, endpoint: `https://${target.host}/` };
}
