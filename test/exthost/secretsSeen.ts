/**
 * Real-looking secrets the extension-host tests give the extension (connection strings, keys).
 * Every test file that makes one up registers it here; the last file of the suite
 * (zz-secretsSweep.test.ts) then looks for each of them on disk and in the environment. The mocha
 * files share one module cache in the extension host, so a module-level set is enough.
 */
const seen = new Map<string, string>();

/** Registers `secret` (found by `owner` in the sweep's message) and returns it unchanged. */
export function rememberSecret<T extends string>(secret: T, owner: string): T {
  seen.set(secret, owner);
  return secret;
}

export function secretsSeen(): ReadonlyMap<string, string> {
  return seen;
}
