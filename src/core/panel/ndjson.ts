/**
 * Export and import of what the panel shows, as NDJSON envelopes (one Breeze envelope per line, the
 * format SDKs' offline files and .NET use), so a teammate can load exactly what you saw. Import goes
 * through the relay's own body parser and validation; imported items go into the store only, never
 * to Azure Monitor. Plain Node: never import `vscode` here.
 */
import type { Envelope } from '../envelope';
import { parseTelemetryBody } from '../relay/parseBody';
import { validateEnvelopes } from '../relay/validateEnvelopes';
import type { TelemetryItem } from '../store/telemetryItem';
import { envelopeOfItem } from './envelopeOfItem';

/** Bigger files are refused before reading: 100k items are about 60 MB. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export function exportNdjson(items: readonly TelemetryItem[]): string {
  let text = '';
  for (const item of items) {
    text += `${JSON.stringify(envelopeOfItem(item))}\n`;
  }
  return text;
}

export type ImportResult = { readonly ok: true; readonly envelopes: Envelope[] } | { readonly ok: false; readonly message: string };

/**
 * Parses and validates an exported (or SDK-written) file. Whatever key the file carries is replaced
 * by the relay's session key first: the key check guards the network, and a file the user chose
 * to open is not a network peer.
 */
export function parseImport(text: string, localKey: string): ImportResult {
  const parsed = parseTelemetryBody(text);
  if (!parsed.ok) return { ok: false, message: parsed.message };
  if (parsed.items.length === 0) return { ok: false, message: 'The file holds no telemetry items.' };
  const keyed = parsed.items.map((item) =>
    typeof item === 'object' && item !== null && !Array.isArray(item) ? { ...item, iKey: localKey } : item,
  );
  const validated = validateEnvelopes(keyed, { localKey, maxReportedErrors: 3 });
  if (!validated.ok) {
    return { ok: false, message: validated.errors.map((error) => error.message).join(' ') };
  }
  return { ok: true, envelopes: validated.envelopes };
}
