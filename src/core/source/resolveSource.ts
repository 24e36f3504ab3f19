/**
 * A path from telemetry → a file to open, or the reason not to. The path is the app's word, not
 * ours: `../../etc/passwd`, a symlink out of the workspace, a UNC share or a `file://host/` URL must
 * never open silently. Only a file whose real path is inside a workspace folder opens directly; an
 * existing file elsewhere is `outside` (the caller asks the user first); the rest is refused.
 *
 * Mapping (issue 18): an absolute path inside a workspace folder; a relative path against the run's
 * working directory, then each workspace folder; and for an app that ran elsewhere (a container's
 * `/app/orders/views.py`, a colleague's capture) the longest trailing part of its path that names a
 * file in a workspace folder (`orders/views.py`). Library paths (site-packages, the standard
 * library) are never mapped into the workspace. Plain Node: never import `vscode` here.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';
import { isLibraryPath, isLinkablePath } from './stackFrames';

export type SourceResolution =
  | { readonly kind: 'workspace'; readonly path: string; readonly library: boolean }
  | { readonly kind: 'outside'; readonly path: string; readonly library: boolean }
  | { readonly kind: 'refused'; readonly reason: 'unsafe' | 'notFound' };

export interface SourceResolveOptions {
  /** Absolute paths of the workspace folders. */
  readonly workspaceFolders: readonly string[];
  /** The working directory of the run (relative paths in tracebacks are relative to it). */
  readonly cwd?: string;
  /** The real path of an existing regular file, or undefined; `fs.promises.realpath` + stat by default. */
  readonly realFile?: (candidate: string) => Promise<string | undefined>;
  /** The `path` flavour (tests on one OS check the other's paths); the platform's by default. */
  readonly pathApi?: path.PlatformPath;
}

/** Trailing path parts tried when mapping a foreign absolute path into the workspace. */
const MAX_SUFFIX_PARTS = 8;

async function defaultRealFile(candidate: string): Promise<string | undefined> {
  try {
    const real = await fs.promises.realpath(candidate);
    return (await fs.promises.stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function isInside(folder: string, candidate: string, api: path.PlatformPath): boolean {
  const relative = api.relative(folder, candidate);
  return relative !== '' && !relative.startsWith('..') && !api.isAbsolute(relative);
}

/** A `file:` URL as a local path; undefined for anything that is not one. */
function localPathOf(file: string): string | undefined {
  if (!/^file:/i.test(file)) return file;
  try {
    const url = new URL(file);
    if (url.hostname !== '' && url.hostname.toLowerCase() !== 'localhost') return undefined;
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

export async function resolveSourcePath(file: string, options: SourceResolveOptions): Promise<SourceResolution> {
  const api = options.pathApi ?? path;
  const realFile = options.realFile ?? defaultRealFile;
  if (typeof file !== 'string' || !isLinkablePath(file)) return { kind: 'refused', reason: 'unsafe' };
  const local = localPathOf(file);
  // A decoded URL can hide what the text check saw (%0a, %5c%5chost): check again.
  if (local === undefined || !isLinkablePath(local)) return { kind: 'refused', reason: 'unsafe' };
  const library = isLibraryPath(local);
  const folders = options.workspaceFolders.map((folder) => api.resolve(folder));
  const realFolders = await Promise.all(folders.map(async (folder) => await fs.promises.realpath(folder).catch(() => folder)));
  const insideWorkspace = (real: string): boolean => realFolders.some((folder) => isInside(folder, real, api));

  const bases = api.isAbsolute(local) ? [undefined] : [...(options.cwd ? [options.cwd] : []), ...folders];
  let outside: string | undefined;
  for (const base of bases) {
    const candidate = base === undefined ? api.resolve(local) : api.resolve(base, local);
    const real = await realFile(candidate);
    if (real === undefined) continue;
    if (insideWorkspace(real)) return { kind: 'workspace', path: candidate, library };
    outside ??= real;
  }
  // The file exists where the app said: that is the file, even if the workspace has one by its name.
  if (outside !== undefined) return { kind: 'outside', path: outside, library };
  if (!library) {
    const parts = api
      .normalize(local)
      .split(/[\\/]+/)
      .filter((part) => part !== '' && part !== '.' && !/^[a-z]:$/i.test(part));
    if (!parts.includes('..')) {
      for (let count = Math.min(parts.length, MAX_SUFFIX_PARTS); count >= 1; count--) {
        const suffix = parts.slice(parts.length - count);
        for (const folder of folders) {
          const candidate = api.join(folder, ...suffix);
          const real = await realFile(candidate);
          if (real !== undefined && insideWorkspace(real)) return { kind: 'workspace', path: candidate, library };
        }
      }
    }
  }
  return { kind: 'refused', reason: 'notFound' };
}
