/**
 * Waiting for an observable condition instead of for time: `eventually` runs a check (usually a
 * few reads and `assert`s) again and again until it passes or a deadline passes, then throws the
 * check's last error — so a failure still says what was seen ("expected 실시간, got 따라잡는 중…").
 * The pause between tries is a poll period, not a guess at how long something takes.
 */
export interface EventuallyOptions {
  /** How long the condition may take to hold (default 30 s: a loaded CI machine is slow). */
  readonly timeoutMs?: number;
  /** Poll period (default 50 ms). */
  readonly intervalMs?: number;
}

export async function eventually<T>(check: () => Promise<T> | T, options: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
