/**
 * `azmon-relay history list DIR [--json]` and `azmon-relay history export DIR RUN FILE`: look into
 * a telemetry history (e.g. one a CI job kept with `--history DIR`) without VS Code. Exports are
 * NDJSON envelopes, the format the panel's Import reads. Nothing in DIR is dropped: the history is
 * opened without size or age limits (those apply where it is recorded).
 * Plain Node: never import `vscode` here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { HistoryStore, RunInfo } from './historyStore';
import { exportRunToFile, ndjsonLines } from './runExport';

export const HISTORY_USAGE = `Usage: azmon-relay history list DIR [--json]
       azmon-relay history export DIR RUN FILE

list    the runs of the telemetry history in DIR, oldest first: id, start, end, items, size, name
        (--json: one JSON object per run)
export  every item of RUN (a run id from list, or "latest") as NDJSON envelopes into FILE
        ("-": standard output); the panel's Import reads the file`;

type Write = (text: string) => void;

class UsageError extends Error {}

/** Never trims the history: it is read here, not recorded. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export async function runHistoryCommand(args: readonly string[], out: Write, err: Write): Promise<number> {
  try {
    const [verb, ...rest] = args;
    if (verb === 'list') return await listRuns(rest, out);
    if (verb === 'export') return await exportRun(rest, out, err);
    if (verb === '--help' || verb === '-h') {
      out(`${HISTORY_USAGE}\n`);
      return 0;
    }
    throw new UsageError(verb === undefined ? 'history needs list or export.' : `Unknown history command ${verb}.`);
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\n${HISTORY_USAGE}\n`);
      return 2;
    }
    err(`azmon-relay history: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function listRuns(args: readonly string[], out: Write): Promise<number> {
  const json = args.includes('--json');
  const positional = args.filter((arg) => arg !== '--json');
  if (positional.length !== 1) throw new UsageError('history list takes one folder.');
  const history = await openExisting(positional[0]);
  try {
    const runs = history.listRuns();
    if (json) {
      for (const run of runs) out(`${JSON.stringify(describe(run))}\n`);
      return 0;
    }
    out(`${['id', 'start', 'end', 'items', 'size', 'name'].join('\t')}\n`);
    for (const run of runs) {
      const row = describe(run);
      out(
        `${[row.id, row.start, row.end ?? '-', row.items, megabytes(row.bytes), `${printable(row.name)}${row.imported ? ' (imported)' : ''}`].join('\t')}\n`,
      );
    }
    return 0;
  } finally {
    await history.close();
  }
}

async function exportRun(args: readonly string[], out: Write, err: Write): Promise<number> {
  if (args.length !== 3) throw new UsageError('history export takes a folder, a run and a file.');
  const [dir, runArg, file] = args;
  const history = await openExisting(dir);
  try {
    const runs = history.listRuns();
    const run =
      runArg === 'latest' ? runs.filter((candidate) => candidate.items > 0).pop() : runs.find((candidate) => candidate.id === runArg);
    if (!run) {
      err(`No run ${runArg} in ${dir}; azmon-relay history list ${dir} shows the runs.\n`);
      return 1;
    }
    let items = 0;
    if (file === '-') {
      for await (const block of history.readRun(run.id)) {
        out(ndjsonLines(block));
        items += block.length;
      }
    } else {
      items = await exportRunToFile(history, run.id, file);
    }
    err(`Exported ${items} items of "${run.name}" (${run.id}).\n`);
    return 0;
  } finally {
    await history.close();
  }
}

/** Opens a history that exists: a mistyped folder is an error, not a new empty history. */
async function openExisting(dir: string): Promise<HistoryStore> {
  if (!fs.existsSync(path.join(dir, 'runs.json'))) throw new Error(`${dir} holds no telemetry history (no runs.json).`);
  return HistoryStore.open(dir, { maxBytes: NO_LIMIT, maxAgeMs: NO_LIMIT });
}

function describe(run: RunInfo): {
  id: string;
  name: string;
  start: string;
  end?: string;
  items: number;
  bytes: number;
  imported: boolean;
  pinned: boolean;
} {
  return {
    id: run.id,
    name: run.name,
    start: new Date(run.startMs).toISOString(),
    ...(run.endMs !== undefined ? { end: new Date(run.endMs).toISOString() } : {}),
    items: run.items,
    bytes: run.bytes,
    imported: run.source === 'imported',
    pinned: run.pinned,
  };
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(2)} MiB`;
}

/** A name from the folder may hold anything: control characters (a terminal escape, a tab) become spaces. */
function printable(text: string): string {
  let result = '';
  for (const character of text) {
    const code = character.charCodeAt(0);
    result += code < 0x20 || (code >= 0x7f && code < 0xa0) ? ' ' : character;
  }
  return result;
}
