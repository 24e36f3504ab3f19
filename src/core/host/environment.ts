/**
 * What apps are given to reach the relay (their environment variables), before and after it
 * listens. Light on purpose (no listener, queue or TLS code): the extension computes it at
 * activation, long before the relay bundle loads. Plain Node: never import `vscode` here.
 */
import * as path from 'path';
import { AppAddresses, appAddresses } from '../relay/appAddresses';
import { TLS_FILES } from '../relay/tlsFiles';

/** The same shape before and after the relay listens. */
export interface HostEnvironment {
  /** APPLICATIONINSIGHTS_CONNECTION_STRING */
  readonly connectionString: string;
  /** NODE_EXTRA_CA_CERTS: the certificates to trust for the https port. */
  readonly caCertPath: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT */
  readonly otlpEndpoint: string;
  /** OTEL_EXPORTER_OTLP_HEADERS */
  readonly otlpHeaders: string;
}

/** Where the relay keeps (or will keep) the certificates apps must trust. */
export function caCertPathIn(storageDir: string): string {
  return path.join(storageDir, 'tls', TLS_FILES.caCert);
}

/** The environment of a relay on `port` with `localKey`: for terminals opened before it listens. */
export function plannedEnvironment(storageDir: string, port: number, localKey: string): HostEnvironment {
  return environmentOf(appAddresses(port, localKey), caCertPathIn(storageDir));
}

export function environmentOf(addresses: AppAddresses, caCertPath: string): HostEnvironment {
  return {
    connectionString: addresses.connectionString,
    caCertPath,
    otlpEndpoint: addresses.otlpEndpoint,
    otlpHeaders: addresses.otlpHeaders,
  };
}
