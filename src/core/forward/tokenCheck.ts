/**
 * The bearer-token guard: an Entra ID token goes only over https (loopback excepted, for tests
 * and local fakes). Plain Node: never import `vscode` here.
 */
import { isLoopbackHost } from './redirectPolicy';

/** Why this token must not go to this URL, or undefined when it may. */
export function tokenRefusal(url: string, token: string | undefined): string | undefined {
  if (!token) return undefined;
  const target = new URL(url);
  if (target.protocol === 'https:' || isLoopbackHost(target.hostname)) return undefined;
  return `a bearer token is never sent over plain http (${target.host})`;
}
