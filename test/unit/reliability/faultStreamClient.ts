/**
 * A telemetry app for the upstream-fault test, run as a forked child process: it posts 512-item
 * batches built from the real captured SDK envelopes (test/fixtures/captures, every client mixed),
 * each item stamped with a unique id, to the relay's local endpoint over undici — and behaves like
 * the SDKs: a refused connection or a 503 is retried with the same batch (honouring Retry-After),
 * so nothing the relay did not acknowledge is given up. It sends only as far as the parent allows
 * (`{ allow }` messages), which lets the test line the stream up with the faults it injects, and
 * reports every acknowledged batch (`{ acked }`).
 *
 * Environment: FAULT_CLIENT_URL (the relay's track URL), FAULT_CLIENT_KEY (its local key),
 * FAULT_CLIENT_FIRST / FAULT_CLIENT_COUNT (this client's id range), FAULT_CLIENT_BATCH (default 512).
 */
import { Agent, request } from 'undici';
import { CAPTURE_KEY, loadCaptures } from '../relay/helpers';

export type ClientMessage = { readonly allow: number } | { readonly stop: true };
export type ClientReport =
  | { readonly acked: number; readonly attempts: number; readonly retries: number }
  | {
      readonly done: true;
      readonly acked: number;
      readonly attempts: number;
      readonly retries: number;
      readonly refused: number;
      readonly unavailable: number;
    };

/** The id every item of this test carries, as a custom property (kept by the relay and the service). */
export const ITEM_ID_PROPERTY = 'fault.itemId';

type Template = Record<string, unknown> & { data: { baseData: Record<string, unknown> }; tags?: Record<string, string> };

/** The captured items with the relay's key in place of the capture's (dashed and compact forms). */
function templates(localKey: string): Template[] {
  const compact = (key: string): string => key.replace(/-/g, '');
  const items: Template[] = [];
  for (const capture of loadCaptures()) {
    const text = capture.body.toString('utf8').split(CAPTURE_KEY).join(localKey).split(compact(CAPTURE_KEY)).join(compact(localKey)).trim();
    const parsed: unknown = text.startsWith('[')
      ? JSON.parse(text)
      : text
          .split('\n')
          .filter((line) => line.trim())
          .map((line) => JSON.parse(line));
    for (const item of parsed as Template[]) if (item?.data?.baseData) items.push(item);
  }
  if (items.length === 0) throw new Error('no captured envelopes found');
  return items;
}

function batchBody(pool: readonly Template[], first: number, count: number): string {
  const operation = `${first.toString(16).padStart(16, '0')}${Math.random().toString(16).slice(2, 18).padEnd(16, '0')}`;
  const now = new Date().toISOString();
  const items = Array.from({ length: count }, (_, offset) => {
    const id = first + offset;
    const template = pool[id % pool.length];
    const baseData = template.data.baseData;
    const properties = { ...((baseData.properties as Record<string, string> | undefined) ?? {}), [ITEM_ID_PROPERTY]: String(id) };
    return {
      ...template,
      time: now,
      tags: { ...template.tags, 'ai.operation.id': operation },
      data: { ...template.data, baseData: { ...baseData, properties } },
    };
  });
  return JSON.stringify(items);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const url = process.env.FAULT_CLIENT_URL!;
  const first = Number(process.env.FAULT_CLIENT_FIRST);
  const count = Number(process.env.FAULT_CLIENT_COUNT);
  const batchSize = Number(process.env.FAULT_CLIENT_BATCH ?? 512);
  const pool = templates(process.env.FAULT_CLIENT_KEY!);
  const agent = new Agent({ keepAliveTimeout: 10_000, connections: 2 });
  let allowed = 0;
  let stopped = false;
  let wake: (() => void) | undefined;
  process.on('message', (message: ClientMessage) => {
    if ('stop' in message) stopped = true;
    else allowed = Math.max(allowed, Math.min(count, message.allow));
    wake?.();
  });
  const counters = { acked: 0, attempts: 0, retries: 0, refused: 0, unavailable: 0 };
  const report = (message: ClientReport): void => void process.send?.(message);

  let next = 0;
  while (next < count && !stopped) {
    if (next >= allowed) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    const size = Math.min(batchSize, allowed - next);
    const body = batchBody(pool, first + next, size);
    for (;;) {
      counters.attempts++;
      let status = 0;
      let retryAfter: string | undefined;
      try {
        const answer = await request(url, {
          method: 'POST',
          body,
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        status = answer.statusCode;
        const header = answer.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
        await answer.body.text();
      } catch {
        counters.refused++; // the relay is down (killed, restarting): try again shortly
      }
      if (status === 200) break;
      if (status !== 0 && status !== 503) {
        throw new Error(`the relay answered ${status}: the app has no way to resend that batch`);
      }
      if (status === 503) counters.unavailable++;
      counters.retries++;
      await sleep(retryAfter && /^\d+$/.test(retryAfter) ? Math.min(Number(retryAfter), 5) * 1000 : 100);
    }
    next += size;
    counters.acked = next;
    report({ acked: next, attempts: counters.attempts, retries: counters.retries });
  }
  await agent.close();
  report({ done: true, ...counters });
}

if (require.main === module) {
  main().then(
    () => process.disconnect?.(),
    (error: unknown) => {
      process.stderr.write(`fault stream client failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
