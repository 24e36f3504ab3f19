/**
 * Stand-in for Azure Monitor while the ingest benchmark runs: accepts every track request and
 * answers 200 with the item count, keeping nothing (the fake ingestion server in test/fakes keeps
 * every item, which a multi-second load would turn into gigabytes). It does Azure's share of the
 * work (read, gunzip, parse every batch); ingest.bench runs it as its own child process
 * (`node acceptAllIngestion.js`), so that work is not done on the load generator's event loop.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';
import { failParent, serveParent } from './workload';

export interface AcceptAllIngestion {
  readonly url: string;
  readonly items: () => number;
  close(): Promise<void>;
}

export async function startAcceptAllIngestion(): Promise<AcceptAllIngestion> {
  let items = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let body: Buffer = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const count = (JSON.parse(body.toString('utf8')) as unknown[]).length;
      items += count;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ itemsReceived: count, itemsAccepted: count, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    items: () => items,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface AcceptAllReady {
  readonly url: string;
}
export interface AcceptAllStopped {
  readonly items: number;
}

if (require.main === module) {
  startAcceptAllIngestion()
    .then((server) =>
      serveParent<AcceptAllReady, AcceptAllStopped>({ url: server.url }, async () => {
        const items = server.items();
        await server.close();
        return { items };
      }),
    )
    .catch(failParent);
}
