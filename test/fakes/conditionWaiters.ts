/**
 * "Resolve when this becomes true" for the fake services: each change calls `notify()`, and every
 * waiter re-checks its condition. A wait fails when the service closes or the time runs out, with a
 * message saying what was seen, so a test that waits never hangs and never sleeps.
 */
export class ConditionWaiters {
  private readonly checks = new Set<() => void>();

  /** @param service named in errors ("the fake ingestion server"); @param isClosed true once it closed. */
  constructor(
    private readonly service: string,
    private readonly isClosed: () => boolean,
  ) {}

  /** Re-checks every waiting condition (call after each change, and on close). */
  notify(): void {
    for (const check of [...this.checks]) check();
  }

  waitFor(done: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (done()) {
          finish();
          resolve();
        } else if (this.isClosed()) {
          finish();
          reject(new Error(`${this.service} closed: ${describe()}`));
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.checks.delete(check);
      };
      this.checks.add(check);
      check();
    });
  }
}
