/**
 * The relay's heavy parts, loaded on first use instead of when the relay starts (the same
 * convention as src/extension/lazy.ts, which loads the relay itself).
 *
 * Each `./lazy/<name>` module is the entry of its own bundle (`dist/<name>.js`, see esbuild.mjs,
 * which rewrites these `require`s to the sibling bundle and fails the build if `dist/relay.js`
 * grows one of their packages back). Under `tsc` output (tests, the CLI run from `out/`) the same
 * `require` reaches the compiled module directly, so both paths run the same code.
 *
 * - undici: the first request to Azure (forwarding or Live Metrics).
 * - certificate: selfsigned's X.509 stack, only when no usable loopback certificate is on disk.
 * - otlp: protobufjs and the OTLP schema, on the first OTLP request.
 * - kql: the KQL evaluator (re2js), on the first `/azmon/query`.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- synchronous require of a sibling bundle is the point here */

export type UndiciRuntime = typeof import('./lazy/undiciRuntime');
export type CertificateRuntime = typeof import('./lazy/certificateRuntime');
export type OtlpRuntime = typeof import('./lazy/otlpRuntime');
export type KqlRuntime = typeof import('./lazy/kqlRuntime');

export function loadUndiciRuntime(): UndiciRuntime {
  return require('./lazy/undiciRuntime') as UndiciRuntime;
}

export function loadCertificateRuntime(): CertificateRuntime {
  return require('./lazy/certificateRuntime') as CertificateRuntime;
}

export function loadOtlpRuntime(): OtlpRuntime {
  return require('./lazy/otlpRuntime') as OtlpRuntime;
}

export function loadKqlRuntime(): KqlRuntime {
  return require('./lazy/kqlRuntime') as KqlRuntime;
}
