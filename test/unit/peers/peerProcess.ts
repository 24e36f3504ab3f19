/**
 * Runs a peer app (test/peers-fixtures, compiled next to this file's tree) as a child Node process
 * pointed at a relay: the relay's https connection string (the Node SDKs force TLS), its CA through
 * NODE_EXTRA_CA_CERTS, statsbeat off, sampling always on. Resolves with the one JSON line the peer
 * prints about what it sent; rejects with its stderr when it fails.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as path from 'path';
import type { RelayServer } from '../../../src/core/relay';

export const PEER_FIXTURES_DIR = path.resolve(__dirname, '../../peers-fixtures');

export type PeerName = 'otelExporterPeer' | 'classicPeer' | 'liveMetricsPeer' | 'genaiPeer';

/**
 * `via`: 'https-port' gives the relay's https connection string; 'http-string' gives the plain one
 * that VS Code terminals get, which the Node SDKs turn into https on the HTTP port.
 */
export function runPeer<Report>(
  peer: PeerName,
  relay: RelayServer,
  runId: string,
  via: 'https-port' | 'http-string' = 'https-port',
): Promise<Report> {
  if (!relay.localHttpsConnectionString || !relay.caCertPath) {
    return Promise.reject(new Error('The relay has no HTTPS listener; the Node SDKs need one.'));
  }
  const env = peerEnvironment(relay, runId, via);
  const script = path.join(PEER_FIXTURES_DIR, `${peer}.js`);
  return new Promise<Report>((resolve, reject) => {
    execFile(process.execPath, [script], { env, timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${peer} failed (${error.message}):\n${stderr}`));
        return;
      }
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as Report);
      } catch {
        reject(new Error(`${peer} printed no report. stdout:\n${stdout}\nstderr:\n${stderr}`));
      }
    });
  });
}

/** The peer's environment: the relay's connection string and CA, nothing of the parent's own AI/OTel setup. */
function peerEnvironment(relay: RelayServer, runId: string, via: 'https-port' | 'http-string'): NodeJS.ProcessEnv {
  // Nothing from the parent's own Application Insights / OTel configuration may leak into the peer.
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(APPLICATIONINSIGHTS_|OTEL_|APPLICATION_INSIGHTS_)/i.test(name)) env[name] = value;
  }
  Object.assign(env, {
    APPLICATIONINSIGHTS_CONNECTION_STRING: via === 'https-port' ? relay.localHttpsConnectionString : relay.localConnectionString,
    NODE_EXTRA_CA_CERTS: relay.caCertPath,
    APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL: 'true',
    OTEL_TRACES_SAMPLER: 'always_on',
    PEER_RUN_ID: runId,
  });
  return env;
}

export interface RunningPeer<Report> {
  readonly child: ChildProcess;
  /** Closes the peer's stdin (it finishes and reports) and resolves with its report. */
  stop(): Promise<Report>;
}

/** A long-running peer: it works until {@link RunningPeer.stop} closes its stdin. */
export function startPeer<Report>(peer: PeerName, relay: RelayServer, runId: string): RunningPeer<Report> {
  if (!relay.localHttpsConnectionString || !relay.caCertPath) {
    throw new Error('The relay has no HTTPS listener; the Node SDKs need one.');
  }
  const child = spawn(process.execPath, [path.join(PEER_FIXTURES_DIR, `${peer}.js`)], {
    env: peerEnvironment(relay, runId, 'https-port'),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-20_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const code = await exited;
      clearTimeout(timer);
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit code ${code}`);
        return JSON.parse(line) as Report;
      } catch (error) {
        throw new Error(
          `${peer} failed (${error instanceof Error ? error.message : String(error)}). stdout:\n${stdout}\nstderr:\n${stderr}`,
          { cause: error },
        );
      }
    },
  };
}

/** A short id that makes this run's items recognisable. */
export function newRunId(): string {
  return Math.random().toString(36).slice(2, 10);
}
