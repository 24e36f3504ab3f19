/**
 * `azmon-relay`: the relay without VS Code. Prints one JSON line on stdout when listening (what an
 * app needs: the local connection string and the CA to trust), then logs to stderr, redacted.
 * The real connection string comes only from APPLICATIONINSIGHTS_CONNECTION_STRING, never from the
 * command line (argv is visible to every local user). `azmon-relay snippets …` prints snippets;
 * `azmon-relay query …` runs KQL against a running relay (src/core/query/cli.ts).
 */
import { randomUUID } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { ConnectionString, parseConnectionString, RelayHost } from './core/host';
import type { RelayLogLevel } from './core/host';
import { Redactor } from './core/redact';
import { runSnippetsCommand } from './core/snippets/cli';
import { runQueryCommand } from './core/query/cli';
import { runHistoryCommand } from './core/history/historyCli';
import { isGuid } from './shared/guid';

const USAGE = `Usage: azmon-relay [options]
       azmon-relay snippets list | render ID
       azmon-relay query --url URL --key KEY [--format json|table|csv] 'KQL'
       azmon-relay history list DIR [--json] | export DIR RUN FILE

Runs the local Azure Monitor relay on 127.0.0.1 and prints one JSON line with its local connection
string. Forwards to Azure Monitor when APPLICATIONINSIGHTS_CONNECTION_STRING is set.

Options:
  --port N           HTTP port (default 0: chosen by the OS)
  --https-port N     HTTPS port (default 0: chosen by the OS); "off" for none
  --no-https         same as --https-port off
  --storage DIR      forward queue and TLS certificate directory (default ~/.azmon-relay)
  --local-key GUID   session key apps must send (default: a random GUID)
  --no-forward       keep telemetry local even when a connection string is set
  --request-timeout-ms N  give up on a forwarding request after N ms (default 30000)
  --retry-base-ms N  first retry delay after a failed request (default 2000), doubled per failure
  --retry-max-ms N   longest retry delay (default 300000)
  --buffer-mb N      memory (approximate MiB) the items kept for viewing may take (default 256)
  --live-metrics-mb N  memory (approximate MiB) the Live Metrics samples may take (default 32)
  --history DIR      also keep what the relay accepts in a telemetry history in DIR (folders 0700,
                     files 0600), which VS Code opens with "Open Telemetry History…"
  --history-runs session|app  one run for this relay session (default), or one run per app
                     (told apart by cloud role and instance)
  --history-mb N     disk space the history may take (default 500); the oldest runs go first
  --history-days N   how long finished runs are kept (default 7)
  --help             show this text`;

interface CliOptions {
  port: number;
  httpsPort: number | false;
  storage: string;
  localKey?: string;
  forward: boolean;
  /** Forwarder tuning; undefined: the ForwardQueue defaults. */
  requestTimeoutMs?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Byte budgets of the store and the Live Metrics samples; undefined: their defaults. */
  bufferMaxBytes?: number;
  liveMetricsMaxBytes?: number;
  /** `--history DIR`: record into a history there. */
  historyDir?: string;
  historyRuns: 'session' | 'app';
  historyMaxBytes?: number;
  historyMaxAgeMs?: number;
  help: boolean;
}

class UsageError extends Error {}

/** The flags that set one number: which option, read and bounded how (a Map: a flag is user text). */
const NUMBER_FLAGS = new Map<
  string,
  {
    readonly field:
      | 'port'
      | 'requestTimeoutMs'
      | 'backoffBaseMs'
      | 'backoffMaxMs'
      | 'bufferMaxBytes'
      | 'liveMetricsMaxBytes'
      | 'historyMaxBytes'
      | 'historyMaxAgeMs';
    readonly read: (flag: string, text: string) => number;
  }
>([
  ['--port', { field: 'port', read: portNumber }],
  ['--request-timeout-ms', { field: 'requestTimeoutMs', read: milliseconds }],
  ['--retry-base-ms', { field: 'backoffBaseMs', read: milliseconds }],
  ['--retry-max-ms', { field: 'backoffMaxMs', read: milliseconds }],
  ['--buffer-mb', { field: 'bufferMaxBytes', read: megabytes }],
  ['--live-metrics-mb', { field: 'liveMetricsMaxBytes', read: megabytes }],
  ['--history-mb', { field: 'historyMaxBytes', read: megabytes }],
  ['--history-days', { field: 'historyMaxAgeMs', read: days }],
]);

export function parseCliArgs(args: readonly string[]): CliOptions {
  const options: CliOptions = {
    port: 0,
    httpsPort: 0,
    storage: path.join(os.homedir(), '.azmon-relay'),
    forward: true,
    historyRuns: 'session',
    help: false,
  };
  for (let index = 0; index < args.length; index++) {
    const [flag, inline] = args[index].startsWith('--') && args[index].includes('=') ? splitOnce(args[index]) : [args[index], undefined];
    const value = (): string => {
      const next = inline ?? args[++index];
      if (next === undefined || (inline === undefined && next.startsWith('--'))) {
        throw new UsageError(`${flag} needs a value.`);
      }
      return next;
    };
    const numeric = NUMBER_FLAGS.get(flag);
    if (numeric) {
      options[numeric.field] = numeric.read(flag, value());
      continue;
    }
    switch (flag) {
      case '--https-port': {
        const text = value();
        options.httpsPort = ['off', 'false', 'none'].includes(text.toLowerCase()) ? false : portNumber(flag, text);
        break;
      }
      case '--no-https':
        options.httpsPort = false;
        break;
      case '--storage':
        options.storage = path.resolve(value());
        break;
      case '--local-key': {
        const key = value();
        if (!isGuid(key)) {
          throw new UsageError('--local-key must be a GUID (8-4-4-4-12 hexadecimal digits).');
        }
        options.localKey = key.toLowerCase();
        break;
      }
      case '--no-forward':
        options.forward = false;
        break;
      case '--history':
        options.historyDir = path.resolve(value());
        break;
      case '--history-runs': {
        const runs = value();
        if (runs !== 'session' && runs !== 'app') throw new UsageError('--history-runs must be "session" or "app".');
        options.historyRuns = runs;
        break;
      }
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new UsageError(`Unknown option ${flag}.`);
    }
  }
  return options;
}

function splitOnce(arg: string): [string, string] {
  const equals = arg.indexOf('=');
  return [arg.slice(0, equals), arg.slice(equals + 1)];
}

function portNumber(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new UsageError(`${flag} must be a port number from 0 to 65535.`);
  }
  return port;
}

function megabytes(flag: string, text: string): number {
  const mb = Number(text);
  if (!/^\d+$/.test(text) || mb < 1 || mb > 65536) {
    throw new UsageError(`${flag} must be a whole number of MiB from 1 to 65536.`);
  }
  return mb * 1024 * 1024;
}

function days(flag: string, text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > 3650) {
    throw new UsageError(`${flag} must be a whole number of days from 1 to 3650.`);
  }
  return count * 24 * 60 * 60 * 1000;
}

function milliseconds(flag: string, text: string): number {
  const ms = Number(text);
  if (!/^\d+$/.test(text) || ms < 1 || ms > 24 * 60 * 60 * 1000) {
    throw new UsageError(`${flag} must be a number of milliseconds from 1 to 86400000.`);
  }
  return ms;
}

async function main(args: readonly string[]): Promise<number> {
  if (args[0] === 'snippets') {
    return runSnippetsCommand(args.slice(1), (text) => process.stdout.write(text));
  }
  if (args[0] === 'history') {
    return runHistoryCommand(
      args.slice(1),
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
    );
  }
  if (args[0] === 'query') {
    return runQueryCommand(
      args.slice(1),
      (text) => process.stdout.write(text),
      (text) => process.stderr.write(text),
    );
  }
  let options: CliOptions;
  try {
    options = parseCliArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const redactor = new Redactor();
  const log = (level: RelayLogLevel, message: string): void => {
    process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${redactor.redact(message)}\n`);
  };
  const raw = process.env.APPLICATIONINSIGHTS_CONNECTION_STRING?.trim();
  redactor.add(raw);
  let connectionString: ConnectionString | undefined;
  if (raw && options.forward) {
    const parsed = parseConnectionString(raw);
    if (!parsed.ok) {
      log('error', `APPLICATIONINSIGHTS_CONNECTION_STRING is not valid: ${parsed.error}`);
      return 2;
    }
    connectionString = parsed.value;
    redactor.add(connectionString.instrumentationKey);
  }

  // The session key is fixed before the relay starts: the forward queue writes it to disk.
  const localKey = options.localKey ?? randomUUID();
  let host: RelayHost;
  try {
    host = await RelayHost.start({
      storageDir: options.storage,
      port: options.port,
      httpsPort: options.httpsPort,
      localKey,
      connectionString,
      settings: {
        store: { maxBytes: options.bufferMaxBytes },
        liveMetricsMaxBytes: options.liveMetricsMaxBytes,
        requestTimeoutMs: options.requestTimeoutMs,
        backoffBaseMs: options.backoffBaseMs,
        backoffMaxMs: options.backoffMaxMs,
      },
      history: options.historyDir
        ? {
            dir: options.historyDir,
            runs: options.historyRuns,
            // A CI job's run is found by where it ran.
            names: { session: () => `azmon-relay in ${path.basename(process.cwd()) || process.cwd()}` },
            maxBytes: options.historyMaxBytes,
            maxAgeMs: options.historyMaxAgeMs,
          }
        : undefined,
      log,
    });
  } catch (error) {
    log('error', `The relay could not start: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const relay = host.server;
  const summary = host.store.subscribe(
    (change) => {
      if (change.added.length > 0) {
        const tables = new Map<string, number>();
        for (const item of change.added) tables.set(item.table, (tables.get(item.table) ?? 0) + 1);
        log('info', `Received ${[...tables].map(([table, count]) => `${count} ${table}`).join(', ')}.`);
      }
    },
    { intervalMs: 1000 },
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log('warn', `${signal} again: exiting without waiting.`);
        resolve(1);
        return;
      }
      stopping = true;
      summary.dispose();
      log('info', `${signal}: closing the relay.`);
      void host.stop().then(
        () => resolve(0),
        (error: unknown) => {
          log('error', `Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // Only now say "listening": whoever reads this line may signal us at once, and a signal that
    // arrives before the handlers exist kills the process instead of closing the relay.
    // The one stdout line: not redacted, the local key is what the app needs.
    process.stdout.write(
      `${JSON.stringify({
        event: 'listening',
        url: relay.url,
        httpsUrl: relay.httpsUrl ?? null,
        localConnectionString: relay.localConnectionString,
        caCertPath: relay.caCertPath ?? null,
        forwarding: host.forwarding,
      })}\n`,
    );
    log(
      'info',
      `Relay listening on ${relay.url}${relay.httpsUrl ? ` and ${relay.httpsUrl}` : ''}; ${connectionString ? `forwarding to ${connectionString.ingestionEndpoint}` : 'local only'}.`,
    );
    if (host.history?.status().state === 'on')
      log('info', `Keeping the telemetry history in ${host.history.dir} (${options.historyRuns === 'app' ? 'a run per app' : 'one run'}).`);
  });
}

/** Lets stdout drain (pipes are asynchronous on some platforms) and exits even if a handle lingers. */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}

if (require.main === module) {
  main(process.argv.slice(2)).then(exit, (error: unknown) => {
    process.stderr.write(`azmon-relay failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exit(1);
  });
}
