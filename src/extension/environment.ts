/**
 * Points Python apps started from VS Code at the local relay: terminals through the extension's
 * EnvironmentVariableCollection, debug sessions through a DebugConfigurationProvider. The collection
 * is persistent: the relay keeps its port and key per workspace, so VS Code can give terminals it
 * restores (or opens before activation) the right values, and marks a terminal as stale (with the
 * description below) when the values changed since it started.
 * Only the relay's *local* connection string is injected; the real one never leaves the host.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export interface RelayEnvironment {
  /** `InstrumentationKey=<local key>;IngestionEndpoint=http://127.0.0.1:P/;LiveEndpoint=http://127.0.0.1:P/` */
  readonly connectionString: string;
  /** The relay's self-signed loopback certificates (no CA), for the Node SDKs that always switch to https. */
  readonly caCertPath?: string;
  /** `http://127.0.0.1:P`, for plain OpenTelemetry SDKs exporting OTLP/HTTP. */
  readonly otlpEndpoint?: string;
  /** `x-azmon-key=<local key>` (OTEL_EXPORTER_OTLP_HEADERS format). */
  readonly otlpHeaders?: string;
}

/**
 * Issue 19: an app started with these keeps every trace. `microsoft.fixed_percentage` at 1.0 is the
 * Azure Monitor distro's own sampler at 100 % (it still stamps sampleRate 100); distro versions
 * before the named samplers read OTEL_TRACES_SAMPLER_ARG as their ratio; a plain OpenTelemetry SDK
 * does not know the name, warns, and keeps its default (parent-based always-on): no sampling either.
 */
export const KEEP_EVERY_TRACE_VARIABLES: Readonly<Record<string, string>> = {
  OTEL_TRACES_SAMPLER: 'microsoft.fixed_percentage',
  OTEL_TRACES_SAMPLER_ARG: '1.0',
};

/**
 * The variables an app needs to talk to the relay and to nothing else; with `keepEveryTrace`, also
 * the sampler variables above (unless VS Code's own environment sets a sampler: the user's choice).
 */
export function relayVariables(environment: RelayEnvironment, keepEveryTrace = false): Record<string, string> {
  const variables: Record<string, string> = {
    APPLICATIONINSIGHTS_CONNECTION_STRING: environment.connectionString,
    // Statsbeat goes to Microsoft's own endpoints whatever the connection string says.
    APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL: 'true',
  };
  if (environment.caCertPath) {
    variables.NODE_EXTRA_CA_CERTS = environment.caCertPath;
  }
  if (environment.otlpEndpoint && environment.otlpHeaders) {
    const otlp: Record<string, string> = {
      OTEL_EXPORTER_OTLP_ENDPOINT: environment.otlpEndpoint,
      OTEL_EXPORTER_OTLP_HEADERS: environment.otlpHeaders,
      // The relay speaks OTLP/HTTP, not gRPC (the Python default for `opentelemetry-instrument`).
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      // Deltas, as the Azure Monitor exporters send (the relay converts cumulative points too).
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    };
    // An OTLP destination the user configured in VS Code's own environment stays theirs.
    const userOwnsOtlp = process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined;
    for (const [name, value] of Object.entries(otlp)) {
      if (!userOwnsOtlp && process.env[name] === undefined) variables[name] = value;
    }
  }
  if (keepEveryTrace && process.env.OTEL_TRACES_SAMPLER === undefined && process.env.OTEL_TRACES_SAMPLER_ARG === undefined) {
    Object.assign(variables, KEEP_EVERY_TRACE_VARIABLES);
  }
  return variables;
}

export class TerminalEnvironment {
  private environment: RelayEnvironment | undefined;
  private keepEveryTrace = false;

  constructor(private readonly collection: vscode.GlobalEnvironmentVariableCollection) {
    collection.persistent = true;
    collection.description = new vscode.MarkdownString(
      vscode.l10n.t(
        "Azure Monitor for Python: apps started here send their telemetry to the local relay (live panel), which forwards it to Azure Monitor when a connection string is stored. When this terminal is marked as stale, the relay's address or key changed: relaunch the terminal so its apps reach the relay.",
      ),
    );
  }

  apply(environment: RelayEnvironment | undefined): void {
    this.environment = environment;
    this.collection.clear();
    if (!environment) {
      return;
    }
    for (const [name, value] of Object.entries(relayVariables(environment, this.keepEveryTrace))) {
      this.collection.replace(name, value);
    }
  }

  /** Issue 19: new terminals keep every trace (or sample as the app says again); VS Code marks open ones stale. */
  setKeepEveryTrace(keep: boolean): void {
    if (keep === this.keepEveryTrace) return;
    this.keepEveryTrace = keep;
    // Before the relay's address is planned there is nothing to rewrite (and clearing would drop
    // what VS Code persisted for restored terminals); the plan's apply() picks the flag up.
    if (this.environment) this.apply(this.environment);
  }

  /** What the collection holds now, read back from it (for tests and the log). */
  entries(): Record<string, string> {
    const entries: Record<string, string> = {};
    this.collection.forEach((name, mutator) => (entries[name] = mutator.value));
    return entries;
  }
}

/** Debug types of the Python extension (old and new). */
export const PYTHON_DEBUG_TYPES = ['python', 'debugpy'] as const;

type DebugEnv = Record<string, string | null>;

/**
 * Adds the relay variables to Python launch configurations, leaving alone any variable the user
 * set explicitly, in `env` or in the `envFile` (their value wins).
 */
export class PythonDebugEnvironmentProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly currentEnvironment: () => Promise<RelayEnvironment | undefined>,
    /** Issue 19: whether apps started now keep every trace (the user's choice, see samplingCommand.ts). */
    private readonly keepEveryTrace: () => boolean = () => false,
  ) {}

  /**
   * Runs after every provider's resolveDebugConfiguration and the variable substitution: an empty
   * configuration (F5 without launch.json) has been filled in by the Python extension by then, and
   * `${workspaceFolder}` in envFile is resolved.
   */
  async resolveDebugConfigurationWithSubstitutedVariables(
    _folder: vscode.WorkspaceFolder | undefined,
    configuration: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration> {
    if (configuration.request === 'attach') {
      return configuration; // an attached process already has its environment
    }
    const environment = await this.currentEnvironment();
    if (!environment) {
      return configuration;
    }
    const userSet = new Set([
      ...Object.keys((configuration.env ?? {}) as DebugEnv),
      ...envFileNames(configuration.envFile, configuration.cwd),
    ]);
    const env: DebugEnv = { ...((configuration.env ?? {}) as DebugEnv) };
    for (const [name, value] of Object.entries(relayVariables(environment, this.keepEveryTrace()))) {
      if (!userSet.has(name)) env[name] = value;
    }
    return { ...configuration, env };
  }
}

/** Names defined in a dotenv file (`NAME=value`, `export NAME=value`); none when it cannot be read. */
export function envFileNames(envFile: unknown, cwd: unknown): string[] {
  if (typeof envFile !== 'string' || envFile === '') return [];
  const file = path.isAbsolute(envFile) || typeof cwd !== 'string' ? envFile : path.join(cwd, envFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (match) names.push(match[1]);
  }
  return names;
}

export function registerDebugEnvironment(provider: PythonDebugEnvironmentProvider): vscode.Disposable[] {
  return PYTHON_DEBUG_TYPES.map((type) => vscode.debug.registerDebugConfigurationProvider(type, provider));
}
