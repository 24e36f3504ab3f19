/** The relay's certificate files in its TLS folder (no dependencies: named at activation, before the relay loads). */
export const TLS_FILES = {
  /** The trust file (the name is kept from the CA days, so terminals that point at it keep working). */
  caCert: 'relay-ca.pem',
  cert: 'relay-server.pem',
  key: 'relay-server-key.pem',
  nextCert: 'relay-next.pem',
  nextKey: 'relay-next-key.pem',
} as const;
