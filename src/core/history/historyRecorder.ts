/**
 * Which run of the telemetry history each batch the relay takes belongs to (issue 16), for the
 * extension (historyTap.ts) and the headless relay (`azmon-relay --history`) alike.
 *
 * Two ways to cut runs:
 * - `session`: one run for the whole relay session (the headless relay's default).
 * - `app`: one run per app, by the rule in CONTRIBUTING.md ("Runs in the telemetry history"):
 *   an app is told apart by what it sends (`ai.cloud.role` + `ai.cloud.roleInstance`; for OTLP the
 *   relay derives both from the resource's service name and instance). Items of an app with an
 *   open run go to it. The first items of an app with no open run join the oldest *launch* still
 *   waiting for its app (a "Run with Live Telemetry", a debug session, a terminal command, told by
 *   {@link HistoryRecorder.launch}), and the run is named by that launch; with none waiting, the
 *   app gets a run named by its role. An exclusive launch (Run, debug) also takes over an app whose
 *   run came from an earlier launch: the same script run again sends the same role and instance.
 * Imported files are always a run of their own (source `imported`), ended at once.
 *
 * Bounded against hostile input: at most `maxOpenApps` apps have runs of their own at a time (the
 * rest share one "other apps" run), at most as many launches wait, and names are redacted, then cut.
 * Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { redactConnectionString, shortenRedacted } from '../redact';
import type { EnvelopeOrigin } from '../store/telemetryStore';
import type { HistoryStore } from './historyStore';

/** The recorder's run names, in the caller's language. */
export interface RecorderNames {
  /** The one run of a relay session (mode `session`). */
  session(): string;
  /** An app known only by what it sends; `instance` may be empty. */
  app(role: string, instance: string): string;
  /** An app that sends no cloud role (the legacy Python SDK). */
  unnamedApp(): string;
  /** The run apps share past `maxOpenApps`. */
  otherApps(): string;
  /** An imported file without a name. */
  imported(): string;
}

export interface HistoryRecorderOptions {
  /** Default `app`. */
  readonly runs?: 'session' | 'app';
  readonly names: RecorderNames;
  /** Applied to every name before it is cut (the extension passes its Redactor); keys in connection strings are always masked. */
  readonly redact?: (text: string) => string;
  /** Apps with a run of their own at once. Default 32. */
  readonly maxOpenApps?: number;
  /** How long a launch waits for its app's first items. Default 2 minutes. */
  readonly claimMs?: number;
  /** How long a launch's run stays open after the launch ended (apps flush at exit). Default 10 s. */
  readonly endGraceMs?: number;
  /** An app's run without a launch ends after this long without items. Default 5 minutes. */
  readonly idleEndMs?: number;
  readonly now?: () => number;
}

export interface LaunchInfo {
  /** The script or command (redacted and cut here). */
  readonly name: string;
  /** A launch with the same key (e.g. the script's path) ends the earlier one: run again, new run. */
  readonly key?: string;
  /** Takes over an app whose run began before it (Run and debug: one script at a time). Default false. */
  readonly exclusive?: boolean;
}

/** A launch the recorder was told about; `end()` when its process ended (debug session, terminal command). */
export interface LaunchHandle {
  end(): void;
}

export const RECORDER_DEFAULTS = {
  maxOpenApps: 32,
  claimMs: 2 * 60_000,
  endGraceMs: 10_000,
  idleEndMs: 5 * 60_000,
} as const;

/** Characters a run name keeps, after redaction. */
export const MAX_RUN_NAME_CHARS = 120;
/** Characters of a role or instance that count for telling apps apart. */
const MAX_IDENTITY_PART = 256;

interface Launch {
  readonly name: string;
  readonly key?: string;
  readonly exclusive: boolean;
  readonly startMs: number;
  endedMs?: number;
  run?: OpenRun;
  endTimer?: NodeJS.Timeout;
}

interface OpenRun {
  readonly id: string;
  readonly startMs: number;
  lastMs: number;
  readonly launch?: Launch;
  readonly identities: Set<string>;
}

export class HistoryRecorder {
  private readonly mode: 'session' | 'app';
  private readonly names: RecorderNames;
  private readonly redact: (text: string) => string;
  private readonly maxOpenApps: number;
  private readonly claimMs: number;
  private readonly endGraceMs: number;
  private readonly idleEndMs: number;
  private readonly now: () => number;
  /** The open run of each app (by identity). */
  private readonly byIdentity = new Map<string, OpenRun>();
  /** Runs of apps (not the session's nor the overflow run). */
  private readonly appRuns = new Set<OpenRun>();
  /** Launches waiting for their app, oldest first. */
  private waiting: Launch[] = [];
  private readonly launches = new Set<Launch>();
  /** Runs being ended (awaited by `settled`). */
  private readonly ending = new Set<Promise<void>>();
  private sessionRun: OpenRun | undefined;
  private overflowRun: OpenRun | undefined;
  private closed = false;

  constructor(
    private readonly history: HistoryStore,
    options: HistoryRecorderOptions,
  ) {
    this.mode = options.runs ?? 'app';
    this.names = options.names;
    this.redact = options.redact ?? ((text) => text);
    this.maxOpenApps = Math.max(1, options.maxOpenApps ?? RECORDER_DEFAULTS.maxOpenApps);
    this.claimMs = options.claimMs ?? RECORDER_DEFAULTS.claimMs;
    this.endGraceMs = options.endGraceMs ?? RECORDER_DEFAULTS.endGraceMs;
    this.idleEndMs = options.idleEndMs ?? RECORDER_DEFAULTS.idleEndMs;
    this.now = options.now ?? Date.now;
  }

  /** The listener for `TelemetryStore.onEnvelopes`: records a batch in its run(s). Never throws. */
  record(envelopes: readonly Envelope[], origin: EnvelopeOrigin): void {
    if (this.closed || envelopes.length === 0 || origin.source === 'history') return;
    if (origin.source === 'imported') {
      const run = this.history.startRun(this.runName(origin.name || this.names.imported()), 'imported');
      this.write(run, envelopes, origin);
      this.end(run);
      return;
    }
    const now = this.now();
    if (this.mode === 'session') {
      this.sessionRun ??= this.open(this.names.session(), now);
      this.sessionRun.lastMs = now;
      this.write(this.sessionRun.id, envelopes, origin);
      return;
    }
    this.expire(now);
    // Most batches come from one app: no copy then.
    const first = identityOf(envelopes[0]);
    if (envelopes.every((envelope) => identityOf(envelope) === first)) {
      this.write(this.runFor(first, envelopes[0], now).id, envelopes, origin);
      return;
    }
    const byRun = new Map<OpenRun, Envelope[]>();
    for (const envelope of envelopes) {
      const run = this.runFor(identityOf(envelope), envelope, now);
      const batch = byRun.get(run);
      if (batch) batch.push(envelope);
      else byRun.set(run, [envelope]);
    }
    // A part of the batch is not the request body any more: its envelopes are serialised instead.
    for (const [run, batch] of byRun) this.write(run.id, batch, { source: origin.source, name: origin.name });
  }

  /** A Run, debug session or terminal command started: the next new app's items become its run. */
  launch(info: LaunchInfo): LaunchHandle {
    if (this.closed || this.mode === 'session') return { end: () => undefined };
    const now = this.now();
    this.expire(now);
    if (info.key !== undefined) {
      for (const earlier of this.launches) if (earlier.key === info.key && earlier.endedMs === undefined) this.endLaunch(earlier);
    }
    const launch: Launch = { name: this.runName(info.name), key: info.key, exclusive: info.exclusive ?? false, startMs: now };
    this.launches.add(launch);
    this.waiting.push(launch);
    // A flood of launches (a script typing commands) keeps the newest.
    while (this.waiting.length > this.maxOpenApps) this.forgetLaunch(this.waiting[0]);
    return { end: () => this.endLaunch(launch) };
  }

  /** Ends every open run (the relay stopped); the history itself stays open. */
  async endAll(): Promise<void> {
    const runs = new Set<OpenRun>([
      ...this.appRuns,
      ...(this.sessionRun ? [this.sessionRun] : []),
      ...(this.overflowRun ? [this.overflowRun] : []),
    ]);
    for (const launch of [...this.launches]) this.forgetLaunch(launch);
    this.appRuns.clear();
    this.byIdentity.clear();
    this.sessionRun = undefined;
    this.overflowRun = undefined;
    for (const run of runs) this.end(run.id);
    await this.settled();
  }

  /** Resolves once every run this recorder ended is written as ended. */
  async settled(): Promise<void> {
    while (this.ending.size > 0) await Promise.all([...this.ending]);
  }

  private end(runId: string): void {
    const ending = this.history.endRun(runId).finally(() => this.ending.delete(ending));
    this.ending.add(ending);
  }

  /** Ends every open run and records nothing more. */
  async close(): Promise<void> {
    this.closed = true;
    await this.endAll();
  }

  /** The one place a batch reaches the history (with the relay's request body when it is exactly these envelopes). */
  private write(runId: string, envelopes: readonly Envelope[], origin: EnvelopeOrigin): void {
    this.history.append(runId, envelopes, origin.body);
  }

  private runFor(identity: string, sample: Envelope, now: number): OpenRun {
    const known = this.byIdentity.get(identity);
    const launch = this.waiting[0];
    // Only a launched app is taken over: an app started in a terminal keeps its run.
    if (known && !(launch?.exclusive && known.launch && known.startMs < launch.startMs)) {
      known.lastMs = now;
      return known;
    }
    if (known) this.unbind(identity, known);
    let run: OpenRun;
    if (launch) {
      this.waiting.shift();
      run = this.open(launch.name, now, launch, launch.startMs);
      launch.run = run;
    } else if (this.appRuns.size >= this.maxOpenApps) {
      this.overflowRun ??= this.open(this.names.otherApps(), now);
      this.overflowRun.lastMs = now;
      return this.overflowRun;
    } else {
      const { role, instance } = rolesOf(sample);
      run = this.open(role ? this.names.app(role, instance) : this.names.unnamedApp(), now);
    }
    // A launch's run counts as an app's: the bound on open runs holds either way.
    this.appRuns.add(run);
    run.identities.add(identity);
    this.byIdentity.set(identity, run);
    if (this.appRuns.size > this.maxOpenApps) this.closeRun(this.leastRecent(run));
    return run;
  }

  private open(name: string, now: number, launch?: Launch, startMs = now): OpenRun {
    const id = this.history.startRun(this.runName(name), 'relay', startMs);
    return { id, startMs, lastMs: now, launch, identities: new Set() };
  }

  /** Drops launches that waited too long, and ends idle app runs. */
  private expire(now: number): void {
    for (const launch of [...this.waiting]) {
      const waitedOut = now - launch.startMs > this.claimMs;
      const endedLongAgo = launch.endedMs !== undefined && now - launch.endedMs > this.endGraceMs;
      if (waitedOut || endedLongAgo) this.forgetLaunch(launch);
    }
    for (const run of [...this.appRuns]) {
      if (run.launch && run.launch.endedMs === undefined) continue;
      if (now - run.lastMs > this.idleEndMs) this.closeRun(run);
    }
  }

  private endLaunch(launch: Launch): void {
    if (launch.endedMs !== undefined) return;
    launch.endedMs = this.now();
    // Its run stays open a little: an app sends what it buffered as it exits.
    launch.endTimer = setTimeout(() => {
      if (launch.run) this.closeRun(launch.run);
      this.forgetLaunch(launch);
    }, this.endGraceMs);
    launch.endTimer.unref?.();
  }

  private forgetLaunch(launch: Launch): void {
    if (launch.endTimer) clearTimeout(launch.endTimer);
    this.launches.delete(launch);
    this.waiting = this.waiting.filter((waiting) => waiting !== launch);
  }

  private unbind(identity: string, run: OpenRun): void {
    this.byIdentity.delete(identity);
    run.identities.delete(identity);
    if (run.identities.size === 0) this.closeRun(run);
  }

  private closeRun(run: OpenRun): void {
    if (!this.appRuns.delete(run)) return;
    for (const identity of run.identities) this.byIdentity.delete(identity);
    this.end(run.id);
  }

  private leastRecent(except: OpenRun): OpenRun {
    let oldest: OpenRun | undefined;
    for (const run of this.appRuns) if (run !== except && (!oldest || run.lastMs < oldest.lastMs)) oldest = run;
    return oldest ?? except;
  }

  /** Redact first, then cut: a secret cut in half no longer matches. */
  private runName(text: string): string {
    // Far past what is kept, so a huge name costs little; a secret cut here lies past the final cut too.
    const oneLine = oneLineOf(String(text).slice(0, 4096));
    return shortenRedacted(redactConnectionString(this.redact(oneLine)), MAX_RUN_NAME_CHARS);
  }
}

/** What tells apps apart: role and instance, as sent (anything but a string counts as absent). */
function identityOf(envelope: Envelope): string {
  const { role, instance } = rolesOf(envelope);
  return `${role}\u0000${instance}`;
}

function rolesOf(envelope: Envelope): { role: string; instance: string } {
  const tags: unknown = envelope?.tags;
  if (typeof tags !== 'object' || tags === null) return { role: '', instance: '' };
  const record = tags as Record<string, unknown>;
  const role = record['ai.cloud.role'];
  const instance = record['ai.cloud.roleInstance'];
  return {
    role: typeof role === 'string' ? role.slice(0, MAX_IDENTITY_PART) : '',
    instance: typeof instance === 'string' ? instance.slice(0, MAX_IDENTITY_PART) : '',
  };
}

/** Control characters (a typed command's newline, a terminal bell) become spaces. */
function oneLineOf(text: string): string {
  let result = '';
  for (const character of text) result += character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f ? ' ' : character;
  return result.replace(/ {2,}/g, ' ').trim();
}
