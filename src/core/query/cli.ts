/**
 * `azmon-relay query --url <relay url> --key <local key> [--format json|table|csv] '<KQL>'`:
 * asks a running relay (POST …/azmon/query) and prints the rows: JSON lines by default. A refused
 * query prints its error (with line and column) on stderr and exits 1; usage errors exit 2.
 * Plain Node: never import `vscode` here.
 */
import * as http from 'http';
import { formatResult, ResultFormat } from './format';
import type { QueryErrorJson, QueryResult } from './types';

export const QUERY_USAGE = `Usage: azmon-relay query --url <relay url> --key <local key> [--format json|table|csv] '<KQL>'

Runs a KQL query over the telemetry a running relay holds and prints the rows: one JSON object per
line (default), an aligned table or CSV. Exits 1 with the error on stderr when the query is wrong.
The key is the relay's local key (InstrumentationKey of its local connection string); it may also
come from AZMON_RELAY_KEY, which other local users cannot read from the process list.

Example: azmon-relay query --url http://127.0.0.1:4318/ --key <key> 'requests | where success == false | count'`;

/** Longest answer read from the relay (its own result limit is 16 MB of rows). */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;

interface QueryArgs {
  url: string;
  key: string;
  format: ResultFormat;
  query: string;
}

class UsageError extends Error {}

export function parseQueryArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): QueryArgs {
  let url: string | undefined;
  let key = env.AZMON_RELAY_KEY;
  let format: ResultFormat = 'json';
  const positional: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++index];
      if (next === undefined) throw new UsageError(`${flag} needs a value.`);
      return next;
    };
    switch (flag) {
      case '--url':
        url = value();
        break;
      case '--key':
        key = value();
        break;
      case '--format': {
        const chosen = value();
        if (chosen !== 'json' && chosen !== 'table' && chosen !== 'csv') throw new UsageError('--format is json, table or csv.');
        format = chosen;
        break;
      }
      default:
        if (arg.startsWith('--') && arg !== '--') throw new UsageError(`Unknown option ${flag}.`);
        positional.push(...(arg === '--' ? args.slice(index + 1) : [arg]));
        if (arg === '--') index = args.length;
    }
  }
  if (!url) throw new UsageError('--url is required (the relay URL it printed, e.g. http://127.0.0.1:PORT/).');
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+\/?/i.test(url))
    throw new UsageError('--url must be the relay on this machine: http://127.0.0.1:PORT/.');
  if (!key) throw new UsageError("--key (or AZMON_RELAY_KEY) is required: the relay's local key.");
  if (positional.length !== 1) throw new UsageError('Give the query as one argument (quote it).');
  return { url, key, format, query: positional[0] };
}

export async function runQueryCommand(args: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  let parsed: QueryArgs;
  try {
    parsed = parseQueryArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`${error.message}\n${QUERY_USAGE}\n`);
    return 2;
  }
  let answer: { status: number; body: string };
  try {
    answer = await post(
      new URL('azmon/query', parsed.url.endsWith('/') ? parsed.url : `${parsed.url}/`),
      parsed.key,
      JSON.stringify({ query: parsed.query }),
    );
  } catch (error) {
    err(`Could not reach the relay at ${parsed.url}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    err(`The relay answered ${answer.status} with something other than JSON.\n`);
    return 1;
  }
  if (answer.status !== 200) {
    const error = (json as { error?: Partial<QueryErrorJson> }).error;
    err(`${error?.message ?? `The relay answered ${answer.status}.`}\n`);
    if (error?.line !== undefined && error.column !== undefined) {
      // The query's line with a caret under the column, as compilers do.
      const line = parsed.query.split('\n')[error.line - 1] ?? '';
      err(`  ${line}\n  ${' '.repeat(Math.max(0, error.column - 1))}^\n`);
    }
    return 1;
  }
  const result = json as QueryResult;
  out(formatResult(result, parsed.format));
  if (result.truncated) err(`Showing ${result.rows.length} of ${result.totalRows} rows (the relay's result limit).\n`);
  return 0;
}

function post(url: URL, key: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-azmon-key': key },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_ANSWER_BYTES) {
            request.destroy(new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)));
    request.on('error', reject);
    request.end(body);
  });
}
