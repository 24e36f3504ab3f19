/**
 * Several relays may share one storage folder (every VS Code window uses the same global storage,
 * and the CLI may run too). Each process queues in its own subfolder `p<pid>`, so two relays never
 * send or delete the same file; on open, a relay adopts the backlog of subfolders whose process
 * is gone (a rename is atomic: when two relays race for a file, exactly one gets it).
 * Plain Node: never import `vscode` here.
 */
import { promises as fs } from 'fs';
import * as path from 'path';

const INSTANCE_FOLDER = /^p(\d+)$/;

export function instanceFolderName(pid: number = process.pid): string {
  return `p${pid}`;
}

/** True when a process with this id exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates `<storageDir>/p<pid>` (0700) and moves into it the queue files of dead relays. */
export async function prepareInstanceFolder(
  storageDir: string,
  log: (message: string) => void,
  pid: number = process.pid,
): Promise<string> {
  await makePrivateDir(storageDir);
  const own = path.join(storageDir, instanceFolderName(pid));
  await makePrivateDir(own);
  for (const name of await fs.readdir(storageDir)) {
    const match = INSTANCE_FOLDER.exec(name);
    if (!match || Number(match[1]) === pid || isProcessAlive(Number(match[1]))) {
      continue;
    }
    await adopt(path.join(storageDir, name), own, log);
  }
  return own;
}

async function adopt(orphan: string, own: string, log: (message: string) => void): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(orphan);
  } catch {
    return; // another relay adopted it first
  }
  let moved = 0;
  for (const name of names) {
    // Both layouts (see diskQueue.ts): `.queue`, and `.ndjson` from earlier versions.
    // And the outcome of a partly answered file (`.outcome`), so only what is still owed is resent.
    if (!name.endsWith('.queue') && !name.endsWith('.ndjson') && !name.endsWith('.outcome')) continue;
    try {
      await fs.rename(path.join(orphan, name), path.join(own, name));
      if (!name.endsWith('.outcome')) moved++;
    } catch {
      // Taken by another relay in the same instant.
    }
  }
  if (moved > 0) {
    log(`Took over ${moved} queue files from a relay that is no longer running (${path.basename(orphan)}).`);
  }
  // Unfinished .tmp writes of the dead relay were never acknowledged: they go with the folder.
  await fs.rm(orphan, { recursive: true, force: true }).catch(() => undefined);
}

export async function makePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  await fs.chmod(dir, 0o700).catch(() => undefined); // Windows: ACLs, not modes
}
