/**
 * Checks that keep other local actors out: a browser page (DNS rebinding, or a plain cross-origin
 * POST) carries an `Origin` header or a foreign `Host`; SDKs send neither. Pure.
 * Plain Node: never import `vscode` here.
 */
import { Rejection, rejection } from './rejection';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * `127.0.0.1:<port>`, `localhost:<port>` or `[::1]:<port>`, nothing else. The port may be left out
 * only when it is the scheme's default (80/443), as clients then omit it.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) {
    return false;
  }
  const value = host.trim().toLowerCase();
  return LOOPBACK_NAMES.some((name) => value === `${name}:${port}` || ((port === 80 || port === 443) && value === name));
}

/** The 403 for a request that did not come from a local SDK, or undefined. */
export function guardRejection(headers: { host?: string; origin?: string | string[] }, port: number): Rejection | undefined {
  if (headers.origin !== undefined) {
    return rejection(403, 'origin', 'Requests from web pages (with an Origin header) are not accepted by the local relay.');
  }
  if (!isAllowedHost(headers.host, port)) {
    return rejection(403, 'host', `Host "${String(headers.host ?? '').slice(0, 100)}" is not this relay; use 127.0.0.1:${port}.`);
  }
  return undefined;
}
