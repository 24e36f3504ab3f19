/**
 * The folders where the Python SDKs keep telemetry they could not send:
 * `<tempdir>/opencensus-python-<ikey>` (opencensus-ext-azure) and
 * `<tempdir>/Microsoft/AzureMonitor/opentelemetry-python-<ikey…>` (the exporter under the distro).
 * They re-send it later to whatever endpoint is configured then, which surprises people; nothing
 * else shows them. Python's tempfile.gettempdir() and Node's os.tmpdir() read the same variables.
 *
 * Plain Node: never import `vscode` here.
 */
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';

export type SdkStorageKind = 'opencensus' | 'opentelemetry';

export interface SdkStorageFolder {
  readonly path: string;
  readonly sdk: SdkStorageKind;
  /** What follows the prefix in the folder name (the instrumentation key, sometimes more). */
  readonly suffix: string;
  readonly files: number;
  readonly bytes: number;
  /** Newest file's modification time (ms since epoch), when there are files. */
  readonly newestMs?: number;
}

const OPENCENSUS_PREFIX = 'opencensus-python-';
const OPENTELEMETRY_PREFIX = 'opentelemetry-python-';
/** Stops a walk through a huge folder from hanging the UI; the counts are then lower bounds. */
const MAX_ENTRIES = 100_000;

function candidateParents(tempDir: string): readonly [string, string, SdkStorageKind][] {
  return [
    [tempDir, OPENCENSUS_PREFIX, 'opencensus'],
    [path.join(tempDir, 'Microsoft', 'AzureMonitor'), OPENTELEMETRY_PREFIX, 'opentelemetry'],
  ];
}

export async function findSdkStorageFolders(tempDir: string = os.tmpdir()): Promise<SdkStorageFolder[]> {
  const found: SdkStorageFolder[] = [];
  for (const [parent, prefix, sdk] of candidateParents(tempDir)) {
    const entries = await fs.readdir(parent, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.isDirectory() && entry.name.startsWith(prefix) && entry.name.length > prefix.length) {
        const folder = path.join(parent, entry.name);
        found.push({ path: folder, sdk, suffix: entry.name.slice(prefix.length), ...(await measure(folder)) });
      }
    }
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

async function measure(folder: string): Promise<{ files: number; bytes: number; newestMs?: number }> {
  let files = 0;
  let bytes = 0;
  let newestMs: number | undefined;
  let seen = 0;
  const pending = [folder];
  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const current = pending.pop()!;
    const entries = await fs.readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      seen++;
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        pending.push(full);
      } else if (entry.isFile()) {
        const stat = await fs.stat(full).catch(() => undefined);
        if (stat) {
          files++;
          bytes += stat.size;
          newestMs = Math.max(newestMs ?? 0, stat.mtimeMs);
        }
      }
    }
  }
  return newestMs === undefined ? { files, bytes } : { files, bytes, newestMs };
}

/**
 * Deletes one SDK storage folder. Refuses anything that is not such a folder directly under the
 * expected parent (so a crafted path can never remove something else).
 */
export async function deleteSdkStorageFolder(folder: string, tempDir: string = os.tmpdir()): Promise<void> {
  const resolved = path.resolve(folder);
  const allowed = candidateParents(tempDir).some(
    ([parent, prefix]) =>
      path.dirname(resolved) === path.resolve(parent) &&
      path.basename(resolved).startsWith(prefix) &&
      path.basename(resolved).length > prefix.length,
  );
  if (!allowed) {
    throw new Error(`Not a Python SDK storage folder: ${folder}`);
  }
  await fs.rm(resolved, { recursive: true, force: true });
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
