/**
 * Every address an app is given to reach the relay, formatted in one place: the local connection
 * string (Breeze and Live Metrics on the same origin), its https twin, the OTLP endpoint and the
 * header that carries the local key. The relay (once listening) and the host (before it listens:
 * terminals opened before the first start) both ask this module, so the two can never disagree.
 * Pure. Plain Node: never import `vscode` here.
 */
import { formatConnectionString } from '../connectionString';

/** The relay listens on this address only. */
export const LOOPBACK = '127.0.0.1';

/** The header that carries the local key on OTLP and query requests (`OTEL_EXPORTER_OTLP_HEADERS=x-azmon-key=<key>`). */
export const LOCAL_KEY_HEADER = 'x-azmon-key';

export interface AppAddresses {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string;
  /** `InstrumentationKey=<local key>;IngestionEndpoint=<url>;LiveEndpoint=<url>` (APPLICATIONINSIGHTS_CONNECTION_STRING). */
  readonly connectionString: string;
  /** `https://127.0.0.1:PORT/`, when there is a TLS port. */
  readonly httpsUrl?: string;
  /** The same connection string over https, for SDKs that force TLS (Node). */
  readonly httpsConnectionString?: string;
  /** `http://127.0.0.1:PORT` (OTEL_EXPORTER_OTLP_ENDPOINT; the SDKs append `/v1/traces` etc.). */
  readonly otlpEndpoint: string;
  /** `x-azmon-key=<local key>` (OTEL_EXPORTER_OTLP_HEADERS). */
  readonly otlpHeaders: string;
}

/** The addresses of a relay on `port` (and `httpsPort`, if any) with this local key. */
export function appAddresses(port: number, localKey: string, httpsPort?: number): AppAddresses {
  const url = `http://${LOOPBACK}:${port}/`;
  const httpsUrl = httpsPort === undefined ? undefined : `https://${LOOPBACK}:${httpsPort}/`;
  return {
    url,
    connectionString: localConnectionString(url, localKey),
    httpsUrl,
    httpsConnectionString: httpsUrl === undefined ? undefined : localConnectionString(httpsUrl, localKey),
    otlpEndpoint: `http://${LOOPBACK}:${port}`,
    otlpHeaders: `${LOCAL_KEY_HEADER}=${localKey}`,
  };
}

function localConnectionString(origin: string, localKey: string): string {
  return formatConnectionString({ instrumentationKey: localKey, ingestionEndpoint: origin, liveEndpoint: origin });
}
