/**
 * The relay's identity for one workspace: the loopback port and the local session key apps were
 * given. Kept across window reloads and restarts, so terminals restored by VS Code (which keep the
 * environment they were started with) still reach the relay. When the key has to change, the
 * previous ones stay accepted for a grace period ({@link KEY_GRACE_MS}).
 *
 * What is stored is untrusted (another version, a hand-edited state file): it is validated and
 * bounded on load. Plain Node: never import `vscode` here.
 */
import { LOWER_CASE_GUID } from '../../shared/guid';

/** How long a retired local key is still accepted: a day covers a terminal left open overnight. */
export const KEY_GRACE_MS = 24 * 60 * 60 * 1000;
/** Retired keys kept (newest first); older ones are forgotten even within the grace period. */
export const MAX_RETIRED_KEYS = 4;
/** The workspace-state entry the identity lives under. */
export const RELAY_IDENTITY_STATE_KEY = 'azureMonitorPython.relayIdentity';

export interface RetiredKey {
  readonly key: string;
  /** Epoch milliseconds when it stopped being the current key. */
  readonly retiredAt: number;
}

export interface RelayIdentity {
  /** The HTTP port on 127.0.0.1; undefined until one was chosen. */
  readonly port?: number;
  /** Lower-case GUID. */
  readonly key: string;
  /** Keys apps may still hold, newest first. */
  readonly retired: readonly RetiredKey[];
}

/** The part of `vscode.Memento` used here (so core stays free of `vscode`). */
export interface IdentityState {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type KeyMatch = 'current' | 'previous' | 'unknown';

/** The stored identity when it is well-formed; expired or malformed retired keys are dropped. */
export function parseIdentity(value: unknown, now: number, graceMs = KEY_GRACE_MS): RelayIdentity | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const key = typeof record.key === 'string' ? record.key.toLowerCase() : '';
  if (!LOWER_CASE_GUID.test(key)) return undefined;
  const port = isPort(record.port) ? record.port : undefined;
  const retired: RetiredKey[] = [];
  if (Array.isArray(record.retired)) {
    for (const entry of record.retired.slice(0, MAX_RETIRED_KEYS)) {
      const item = entry as Partial<RetiredKey> | null;
      if (typeof item !== 'object' || item === null || typeof item.key !== 'string' || typeof item.retiredAt !== 'number') continue;
      const retiredKey = item.key.toLowerCase();
      if (LOWER_CASE_GUID.test(retiredKey) && retiredKey !== key) retired.push({ key: retiredKey, retiredAt: item.retiredAt });
    }
  }
  return { port, key, retired: withinGrace(retired, now, graceMs) };
}

/** A new current key; the old one joins the retired keys (newest first, bounded). */
export function renewKey(identity: RelayIdentity, newKey: string, now: number, graceMs = KEY_GRACE_MS): RelayIdentity {
  const key = newKey.toLowerCase();
  if (!LOWER_CASE_GUID.test(key)) throw new Error('The local session key must be a GUID.');
  const retired = [
    { key: identity.key, retiredAt: now },
    ...identity.retired.filter((entry) => entry.key !== key && entry.key !== identity.key),
  ];
  return { ...identity, key, retired: withinGrace(retired, now, graceMs).slice(0, MAX_RETIRED_KEYS) };
}

function withinGrace(retired: readonly RetiredKey[], now: number, graceMs: number): RetiredKey[] {
  // A retiredAt in the future (clock moved back, edited file) is not trusted to extend the grace.
  return retired.filter((entry) => entry.retiredAt <= now && now - entry.retiredAt < graceMs);
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536;
}

/** Loads and saves the identity in a workspace-scoped key/value state (VS Code's workspaceState). */
export class RelayIdentityStore {
  constructor(
    private readonly state: IdentityState,
    private readonly newKey: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored identity, or a new one (new key, no port yet), saved before it is returned. */
  async load(): Promise<RelayIdentity> {
    const stored = parseIdentity(this.state.get(RELAY_IDENTITY_STATE_KEY), this.now());
    if (stored) return stored;
    const fresh: RelayIdentity = { key: this.newKey().toLowerCase(), retired: [] };
    await this.save(fresh);
    return fresh;
  }

  async save(identity: RelayIdentity): Promise<void> {
    await this.state.update(RELAY_IDENTITY_STATE_KEY, { port: identity.port, key: identity.key, retired: identity.retired });
  }
}

/**
 * Which keys the running relay accepts: the current one always, retired ones until their grace
 * runs out (checked at each request: a relay can run for days).
 */
export class LocalKeyRing {
  readonly current: string;
  private readonly retired: readonly RetiredKey[];

  constructor(
    current: string,
    retired: readonly RetiredKey[] = [],
    private readonly options: { readonly graceMs?: number; readonly now?: () => number } = {},
  ) {
    this.current = current.toLowerCase();
    this.retired = retired.map((entry) => ({ key: entry.key.toLowerCase(), retiredAt: entry.retiredAt }));
  }

  /** `given` as an app sent it (any case, surrounding spaces ignored). */
  match(given: string): KeyMatch {
    const key = given.trim().toLowerCase();
    if (key === this.current) return 'current';
    const now = (this.options.now ?? Date.now)();
    const graceMs = this.options.graceMs ?? KEY_GRACE_MS;
    return this.retired.some((entry) => entry.key === key && entry.retiredAt <= now && now - entry.retiredAt < graceMs)
      ? 'previous'
      : 'unknown';
  }
}
