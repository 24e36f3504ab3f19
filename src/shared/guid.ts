/**
 * The one spelling of a GUID (8-4-4-4-12 hexadecimal digits) for instrumentation keys and the
 * relay's local key. The Python SDKs accept lower case only; the service and our parsers accept
 * either. Pure: no `vscode`, no Node built-ins.
 */
const GUID_BODY = '[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}';

/** A whole string that is a GUID, in any case. */
export const ANY_CASE_GUID = new RegExp(`^${GUID_BODY}$`, 'i');
/** A whole string that is a lower-case GUID: the Python SDKs' own check. */
export const LOWER_CASE_GUID = new RegExp(`^${GUID_BODY}$`);

export function isGuid(text: string): boolean {
  return ANY_CASE_GUID.test(text);
}
