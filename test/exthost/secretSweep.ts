/**
 * Looks for secrets in files: every spelling of an instrumentation key (with and without dashes,
 * any case) and the connection string itself, in UTF-8/Latin-1 and in UTF-16 (both alignments, as
 * some stores keep strings that way). Sockets, pipes and links are skipped; nothing is excluded
 * silently — what a caller leaves out it names itself.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Secret {
  readonly label: string;
  /** Texts that must not appear, e.g. the connection string, the key, the key without dashes. */
  readonly forms: readonly string[];
}

export interface Hit {
  readonly file: string;
  readonly secret: string;
  readonly form: string;
  readonly encoding: 'utf8' | 'utf16le';
}

export function keyForms(key: string): string[] {
  return [key.toLowerCase(), key.replace(/-/g, '').toLowerCase()];
}

export function listFiles(root: string, skip: (file: string) => boolean = () => false): string[] {
  if (!fs.existsSync(root)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && !skip(file)) files.push(file);
  }
  return files;
}

/** Every occurrence of a secret's form in `text` (already lower-cased). */
function scan(text: string, secrets: readonly Secret[], file: string, encoding: Hit['encoding'], hits: Hit[]): void {
  for (const secret of secrets) {
    for (const form of secret.forms) {
      if (text.includes(form.toLowerCase())) hits.push({ file, secret: secret.label, form, encoding });
    }
  }
}

export function findSecrets(files: readonly string[], secrets: readonly Secret[]): Hit[] {
  const hits: Hit[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      continue; // removed while we looked (a log rotated, a queue file sent)
    }
    scan(bytes.toString('latin1').toLowerCase(), secrets, file, 'utf8', hits);
    scan(bytes.toString('utf16le').toLowerCase(), secrets, file, 'utf16le', hits);
    scan(bytes.subarray(1).toString('utf16le').toLowerCase(), secrets, file, 'utf16le', hits);
  }
  return hits;
}

/** Every secret's forms in a text (the environment, a storage dump). */
export function findSecretsInText(where: string, text: string, secrets: readonly Secret[]): Hit[] {
  const hits: Hit[] = [];
  scan(text.toLowerCase(), secrets, where, 'utf8', hits);
  return hits;
}
