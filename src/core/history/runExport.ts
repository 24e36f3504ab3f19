/**
 * Writes one run of a history as NDJSON envelopes (the format the panel imports), streaming block by
 * block so a run of any size costs one block's memory. Used by `azmon-relay history export` and by
 * the panel's Export while an earlier run is shown. Plain Node: never import `vscode` here.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { HistoryStore } from './historyStore';

/** The envelopes of a block, one JSON line each. */
export function ndjsonLines(envelopes: readonly unknown[]): string {
  let text = '';
  for (const envelope of envelopes) text += `${JSON.stringify(envelope)}\n`;
  return text;
}

/**
 * Every stored item of `runId` into `file` (mode 0600), written beside it and renamed: a failed
 * export never leaves half a file under its name. Returns the number of items written.
 */
export async function exportRunToFile(history: Pick<HistoryStore, 'readRun'>, runId: string, file: string): Promise<number> {
  const target = path.resolve(file);
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  const handle = await fs.promises.open(partial, 'w', 0o600);
  let items = 0;
  try {
    for await (const block of history.readRun(runId)) {
      await handle.write(ndjsonLines(block));
      items += block.length;
    }
  } catch (error) {
    await handle.close();
    await fs.promises.rm(partial, { force: true });
    throw error;
  }
  await handle.close();
  await fs.promises.rename(partial, target);
  return items;
}
