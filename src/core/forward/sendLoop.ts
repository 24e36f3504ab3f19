/**
 * The forwarder's send loop: one request at a time; while it is in flight the next one is
 * prepared (read, rewritten to the real key, gzipped), so the connection never waits for that
 * work. A prepared request is released (owed again) whenever the next step is not an immediate
 * send (failure, pause, key change). Between attempts it sleeps until the next one is due, and a
 * wake() ends the sleep early (pause, flush, close). What a send means is the caller's: see
 * {@link SendSteps}. Plain Node: never import `vscode` here.
 */

/** A request ready to go: its items (in flight) and the key its body was written for. */
export interface PreparedRequest {
  readonly items: readonly unknown[];
  readonly key: string;
}

export interface SendSteps<P extends PreparedRequest> {
  /** Not closed, not paused, connected, something queued. */
  canSend(): boolean;
  /** Milliseconds until the next attempt is due (≤ 0: now). */
  waitMs(): number;
  /** Called before each attempt (expire old items; a Retry-After wait is over). */
  attemptStarting(): void;
  /** The key requests are written for now; a prepared request for another key is released. */
  currentKey(): string | undefined;
  /** The next request; an empty one when nothing is owed. */
  prepare(): Promise<P>;
  /** Sends and applies the answer; never rejects (a failure is recorded by the caller). */
  send(request: P): Promise<void>;
  /** Its items are owed again. */
  release(request: P): void;
  /** The last attempt failed: a prepared request is not sent at once. */
  failing(): boolean;
  /** A request came back empty: counted items that could not be read (look again later). */
  nothingToSend(): void;
  /** The loop ended (nothing to send, paused, or waiting was cut short). */
  stopped(): void;
}

export class SendLoop<P extends PreparedRequest> {
  private running: Promise<void> | undefined;
  private wakeSleep: (() => void) | undefined;
  private sleepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly steps: SendSteps<P>) {}

  /** The running loop, if any (close awaits it). */
  get current(): Promise<void> | undefined {
    return this.running;
  }

  /** Starts the loop unless it runs or there is nothing it could send. */
  ensure(): void {
    if (this.running || !this.steps.canSend()) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.steps.stopped();
      // A batch may have been accepted while the loop was finishing.
      if (this.steps.canSend() && this.steps.waitMs() <= 0) this.ensure();
    });
  }

  /** Ends a sleep between attempts now. */
  wake(): void {
    this.wakeSleep?.();
  }

  private async run(): Promise<void> {
    const steps = this.steps;
    let prepared: P | undefined;
    const drop = (): void => {
      if (prepared) steps.release(prepared);
      prepared = undefined;
    };
    try {
      while (steps.canSend()) {
        const wait = steps.waitMs();
        if (wait > 0) {
          drop();
          await this.sleep(wait);
          continue;
        }
        steps.attemptStarting();
        if (prepared?.key !== steps.currentKey()) drop();
        const current = prepared ?? (await steps.prepare());
        prepared = undefined;
        if (current.items.length === 0) {
          steps.nothingToSend();
          continue;
        }
        const sending = steps.send(current).finally(() => steps.release(current));
        const next = steps.prepare().catch(() => undefined);
        await sending;
        prepared = await next;
        // An empty prefetch only means everything owed was in flight then: look again, do not back off.
        if (prepared?.items.length === 0) prepared = undefined;
        if (steps.failing() || !steps.canSend()) drop();
      }
    } finally {
      drop();
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wakeSleep = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    }).finally(() => {
      clearTimeout(this.sleepTimer);
      this.wakeSleep = undefined;
    });
  }
}
