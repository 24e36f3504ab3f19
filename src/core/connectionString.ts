/**
 * Application Insights connection strings: parsing, validation and derivation of endpoints.
 *
 * The rules follow the Microsoft docs and what the Python SDKs (OpenCensus and the OpenTelemetry
 * exporter) really do when they read the same string (test/unit/core/connectionString.test.ts). Where the SDKs
 * are stricter than the service (trailing ';', upper-case GUIDs), we accept the string but return a
 * warning, because the user's Python app would fail on it if the string ever reached it directly.
 *
 * Plain Node: never import `vscode` here.
 */
import { ANY_CASE_GUID, LOWER_CASE_GUID } from '../shared/guid';
import { shortenRedacted } from './redact';

export const MAX_CONNECTION_STRING_LENGTH = 4096;

export const DEFAULT_INGESTION_ENDPOINT = 'https://dc.services.visualstudio.com/';
export const DEFAULT_LIVE_ENDPOINT = 'https://rt.services.visualstudio.com/';
export const DEFAULT_PROFILER_ENDPOINT = 'https://agent.azureserviceprofiler.net/';
export const DEFAULT_SNAPSHOT_ENDPOINT = 'https://agent.azureserviceprofiler.net/';
export const DEFAULT_AAD_AUDIENCE = 'https://monitor.azure.com/';

/** The Python SDKs' own check (lower-case only). */
const PYTHON_IKEY_PATTERN = LOWER_CASE_GUID;
/** The .NET parser requires Location to be alphanumeric; it becomes part of a host name. */
const LOCATION_PATTERN = /^[a-z0-9]+$/i;
/** A DNS suffix such as `applicationinsights.azure.cn`. */
const ENDPOINT_SUFFIX_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** Canonical spelling of every key we understand, indexed by its lower-case form. */
const KNOWN_KEYS = {
  instrumentationkey: 'InstrumentationKey',
  ingestionendpoint: 'IngestionEndpoint',
  liveendpoint: 'LiveEndpoint',
  profilerendpoint: 'ProfilerEndpoint',
  snapshotendpoint: 'SnapshotEndpoint',
  endpointsuffix: 'EndpointSuffix',
  location: 'Location',
  authorization: 'Authorization',
  applicationid: 'ApplicationId',
  aadaudience: 'AADAudience',
} as const;

type KnownKey = (typeof KNOWN_KEYS)[keyof typeof KNOWN_KEYS];

export interface ConnectionString {
  /** Lower-cased GUID, as the service and the Python SDKs expect it. */
  readonly instrumentationKey: string;
  /** Absolute URL, always ending with `/`. */
  readonly ingestionEndpoint: string;
  readonly liveEndpoint: string;
  readonly profilerEndpoint: string;
  readonly snapshotEndpoint: string;
  readonly applicationId?: string;
  readonly endpointSuffix?: string;
  readonly location?: string;
  /** Audience for Entra ID tokens; defaults to the public cloud's. */
  readonly aadAudience: string;
  /** The OAuth scope to request a token for: `<audience>/.default`. */
  readonly aadScope: string;
  /** Keys we do not know, kept so the caller can mention them. */
  readonly unknownKeys: readonly string[];
}

export interface ConnectionStringWarning {
  readonly code: 'trailing-semicolon' | 'uppercase-guid' | 'unknown-key' | 'surrounding-quotes' | 'empty-segment';
  readonly message: string;
}

export type ParseResult =
  | { readonly ok: true; readonly value: ConnectionString; readonly warnings: readonly ConnectionStringWarning[] }
  | { readonly ok: false; readonly error: string };

/** Thrown by {@link parseConnectionStringOrThrow}; the message names what is wrong. */
export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

export function parseConnectionStringOrThrow(input: string): ConnectionString {
  const result = parseConnectionString(input);
  if (!result.ok) {
    throw new ConnectionStringError(result.error);
  }
  return result.value;
}

export function parseConnectionString(input: string): ParseResult {
  const warnings: ConnectionStringWarning[] = [];
  if (typeof input !== 'string') {
    return fail('The connection string must be text.');
  }
  let text = input.trim();
  if (text.length >= 2 && (text[0] === '"' || text[0] === "'") && text[text.length - 1] === text[0]) {
    text = text.slice(1, -1).trim();
    warnings.push({ code: 'surrounding-quotes', message: 'Surrounding quotes were removed.' });
  }
  if (text.length === 0) {
    return fail('The connection string is empty. Copy it from the Overview page of your Application Insights resource.');
  }
  if (text.length > MAX_CONNECTION_STRING_LENGTH) {
    return fail(`The connection string is ${text.length} characters long; the maximum is ${MAX_CONNECTION_STRING_LENGTH}.`);
  }

  const segments = text.split(';');
  const values = new Map<KnownKey, string>();
  const unknownKeys: string[] = [];
  const seenLowerKeys = new Set<string>();
  for (let index = 0; index < segments.length; index++) {
    const segment = segments[index].trim();
    if (segment.length === 0) {
      if (index === segments.length - 1) {
        warnings.push({
          code: 'trailing-semicolon',
          message:
            'The connection string ends with \';\'. The Python SDKs reject that with "Invalid connection string"; remove it before using the string in Python.',
        });
      } else {
        warnings.push({ code: 'empty-segment', message: `Segment ${index + 1} is empty (two ';' in a row).` });
      }
      continue;
    }
    const equals = segment.indexOf('=');
    if (equals < 0) {
      return fail(`Segment ${index + 1} ("${shorten(segment)}") is not a key=value pair.`);
    }
    const rawKey = segment.slice(0, equals).trim();
    const value = segment.slice(equals + 1).trim();
    if (rawKey.length === 0) {
      return fail(`Segment ${index + 1} has no key before '='.`);
    }
    if (value.includes('=')) {
      return fail(`The value of ${rawKey} contains '='. Values cannot contain '=' (the SDKs split each pair on '=').`);
    }
    if (value.length === 0) {
      return fail(`${rawKey} has an empty value.`);
    }
    const lowerKey = rawKey.toLowerCase();
    if (seenLowerKeys.has(lowerKey)) {
      return fail(`${rawKey} appears more than once.`);
    }
    seenLowerKeys.add(lowerKey);
    const canonical = (KNOWN_KEYS as Record<string, KnownKey | undefined>)[lowerKey];
    if (canonical === undefined) {
      unknownKeys.push(rawKey);
      warnings.push({ code: 'unknown-key', message: `Unknown key "${shorten(rawKey)}" is ignored.` });
      continue;
    }
    values.set(canonical, value);
  }

  const rawKey = values.get('InstrumentationKey');
  if (rawKey === undefined) {
    return fail('InstrumentationKey is missing. A connection string starts with "InstrumentationKey=<GUID>;".');
  }
  if (!ANY_CASE_GUID.test(rawKey)) {
    // The value is not echoed: error messages may end up in logs.
    return fail(`InstrumentationKey is not a GUID (expected 8-4-4-4-12 hexadecimal digits, ${rawKey.length} characters given).`);
  }
  if (!PYTHON_IKEY_PATTERN.test(rawKey)) {
    warnings.push({
      code: 'uppercase-guid',
      message:
        'InstrumentationKey has upper-case letters. The Python SDKs accept only lower-case keys ("Invalid instrumentation key"); it is used in lower case.',
    });
  }
  const instrumentationKey = rawKey.toLowerCase();

  const authorization = values.get('Authorization');
  if (authorization !== undefined && authorization.toLowerCase() !== 'ikey') {
    return fail(
      `Authorization "${shorten(authorization)}" is not supported: the only value allowed in a connection string is "ikey". Entra ID is configured separately.`,
    );
  }

  const location = values.get('Location');
  if (location !== undefined && !LOCATION_PATTERN.test(location)) {
    return fail(`Location "${shorten(location)}" must contain only letters and digits (for example "westeurope").`);
  }
  const endpointSuffix = values.get('EndpointSuffix');
  if (endpointSuffix !== undefined && !ENDPOINT_SUFFIX_PATTERN.test(endpointSuffix)) {
    return fail(`EndpointSuffix "${shorten(endpointSuffix)}" is not a DNS suffix (for example "applicationinsights.azure.cn").`);
  }

  const derive = (prefix: string, fallback: string): string =>
    endpointSuffix === undefined ? fallback : `https://${location ? `${location}.` : ''}${prefix}.${endpointSuffix}/`;

  const endpoints: Record<'IngestionEndpoint' | 'LiveEndpoint' | 'ProfilerEndpoint' | 'SnapshotEndpoint', string> = {
    IngestionEndpoint: derive('dc', DEFAULT_INGESTION_ENDPOINT),
    LiveEndpoint: derive('live', DEFAULT_LIVE_ENDPOINT),
    ProfilerEndpoint: derive('profiler', DEFAULT_PROFILER_ENDPOINT),
    SnapshotEndpoint: derive('snapshot', DEFAULT_SNAPSHOT_ENDPOINT),
  };
  for (const key of Object.keys(endpoints) as (keyof typeof endpoints)[]) {
    const explicit = values.get(key);
    if (explicit === undefined) {
      continue;
    }
    const normalised = normaliseEndpoint(explicit);
    if (normalised === undefined) {
      return fail(`${key} "${shorten(explicit)}" is not an absolute http(s) URL.`);
    }
    endpoints[key] = normalised;
  }

  let aadAudience = DEFAULT_AAD_AUDIENCE;
  const explicitAudience = values.get('AADAudience');
  if (explicitAudience !== undefined) {
    const normalised = normaliseEndpoint(explicitAudience);
    if (normalised === undefined) {
      return fail(`AADAudience "${shorten(explicitAudience)}" is not an absolute https URL.`);
    }
    aadAudience = normalised;
  }

  return {
    ok: true,
    warnings,
    value: {
      instrumentationKey,
      ingestionEndpoint: endpoints.IngestionEndpoint,
      liveEndpoint: endpoints.LiveEndpoint,
      profilerEndpoint: endpoints.ProfilerEndpoint,
      snapshotEndpoint: endpoints.SnapshotEndpoint,
      applicationId: values.get('ApplicationId'),
      endpointSuffix,
      location,
      aadAudience,
      aadScope: `${aadAudience.replace(/\/+$/, '')}/.default`,
      unknownKeys,
    },
  };
}

/** Builds a connection string for a Python app (no trailing ';', as the Python SDKs require). */
export function formatConnectionString(parts: { instrumentationKey: string; ingestionEndpoint?: string; liveEndpoint?: string }): string {
  const segments = [`InstrumentationKey=${parts.instrumentationKey}`];
  if (parts.ingestionEndpoint) {
    segments.push(`IngestionEndpoint=${parts.ingestionEndpoint}`);
  }
  if (parts.liveEndpoint) {
    segments.push(`LiveEndpoint=${parts.liveEndpoint}`);
  }
  return segments.join(';');
}

/** The URL the SDKs post to, built the way the JS exporter does (no `//`). */
export function trackUrl(ingestionEndpoint: string): string {
  return `${ingestionEndpoint.replace(/\/+$/, '')}/v2.1/track`;
}

function normaliseEndpoint(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '' || url.username || url.password) {
    return undefined;
  }
  const text = url.toString();
  return text.endsWith('/') ? text : `${text}/`;
}

/** Echoes a bad value in an error, cut short and with any GUID masked: a key pasted into the wrong field must not end up in a log. */
function shorten(text: string): string {
  const masked = text.replace(/[0-9a-f]{8}-?(?:[0-9a-f]{4}-?){3}[0-9a-f]{12}/gi, (guid) => `${guid.slice(0, 4)}…${guid.slice(-4)}`);
  return shortenRedacted(masked, 57);
}

function fail(error: string): ParseResult {
  return { ok: false, error };
}
