/**
 * A connection cap that a flood of idle sockets cannot use to lock real clients out.
 *
 * Node's `server.maxConnections` refuses every new connection once the cap is reached, so a local
 * process that opens thousands of sockets and sends nothing would keep the Python SDKs (which open
 * a new connection per export) out until the header timeout reaps the idlers. Instead, when the cap
 * is passed, the oldest connection with no request in progress is closed to make room; only when
 * every connection is busy is the newcomer refused. For plain HTTP servers only: behind TLS the
 * request's socket is not the accepted one (the HTTPS listener keeps Node's own cap and its
 * handshake timeout). Plain Node: never import `vscode` here.
 */
import type * as http from 'http';
import type { Socket } from 'net';

export interface ConnectionGuardStats {
  readonly open: number;
  /** Idle connections closed to make room for new ones. */
  readonly evicted: number;
  /** New connections refused because every open one was busy. */
  readonly refused: number;
}

export interface ConnectionGuard {
  stats(): ConnectionGuardStats;
}

export function guardConnections(server: http.Server, maxConnections: number): ConnectionGuard {
  // A Map keeps insertion order: the first entries are the oldest connections.
  const open = new Map<Socket, { activeRequests: number }>();
  let evicted = 0;
  let refused = 0;

  server.on('connection', (socket: Socket) => {
    open.set(socket, { activeRequests: 0 });
    socket.once('close', () => open.delete(socket));
    if (open.size <= maxConnections) return;
    for (const [candidate, state] of open) {
      if (candidate !== socket && state.activeRequests === 0) {
        evicted++;
        open.delete(candidate);
        candidate.destroy();
        return;
      }
    }
    refused++;
    open.delete(socket);
    socket.destroy();
  });

  const markBusy = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const state = open.get(request.socket);
    if (!state) return;
    state.activeRequests++;
    response.once('close', () => state.activeRequests--);
  };
  server.on('request', markBusy);
  server.on('checkContinue', markBusy);

  return { stats: () => ({ open: open.size, evicted, refused }) };
}
