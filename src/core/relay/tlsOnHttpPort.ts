/**
 * TLS on the HTTP port. The Node SDKs rewrite `http://` to `https://` in the connection string and
 * keep the port, so an app given the relay's plain connection string knocks on the HTTP port with a
 * TLS ClientHello. Looking at the first byte of each connection (0x16 = a TLS handshake record)
 * sends it to the HTTPS server instead; everything else goes to the HTTP server unchanged, with
 * Node's own header and request timeouts. Plain Node: never import `vscode` here.
 */
import type * as http from 'http';
import type * as https from 'https';
import type { Socket } from 'net';
import { Duplex } from 'stream';

const TLS_HANDSHAKE_RECORD = 0x16;

export interface TlsOnHttpPortOptions {
  /** The HTTPS server that takes TLS connections; undefined while it is not ready (they are closed). */
  readonly httpsServer: () => https.Server | undefined;
  /** A connection that sends nothing for this long is closed (Node's header timeout starts only later). */
  readonly firstByteTimeoutMs: number;
}

/** Must be called right after `http.createServer`, before other `connection` listeners are added. */
export function serveTlsOnHttpPort(httpServer: http.Server, options: TlsOnHttpPortOptions): void {
  // The HTTP server parses connections in its own 'connection' listener (Node documents that
  // emitting 'connection' injects a socket): take it out and call it ourselves for plain HTTP.
  const [parseHttp] = httpServer.listeners('connection') as ((socket: Socket) => void)[];
  httpServer.removeListener('connection', parseHttp);
  httpServer.on('connection', (socket: Socket) => {
    socket.setTimeout(options.firstByteTimeoutMs, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      if (first[0] === TLS_HANDSHAKE_RECORD) {
        const httpsServer = options.httpsServer();
        if (httpsServer) httpsServer.emit('connection', feedFrom(socket, first));
        else socket.destroy();
        return;
      }
      socket.unshift(first);
      parseHttp.call(httpServer, socket);
      socket.resume();
    });
  });
}

/**
 * A stream over the socket that replays the byte already read. TLS reads the socket's handle
 * directly and would miss it, so the TLS server gets this JS stream instead (a few extra copies on
 * a low-volume path: only the Node SDKs use TLS).
 */
function feedFrom(socket: Socket, first: Buffer): Duplex {
  const feed = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => {
      socket.end();
      done();
    },
    destroy: (error, done) => {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  feed.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!feed.push(chunk)) socket.pause();
  });
  socket.on('end', () => feed.push(null));
  socket.on('close', () => feed.destroy());
  socket.on('error', (error) => feed.destroy(error));
  // What the HTTPS server and its request handlers read from their socket.
  Object.assign(feed, {
    remoteAddress: socket.remoteAddress,
    remotePort: socket.remotePort,
    localPort: socket.localPort,
    setTimeout: (ms: number, callback?: () => void) => (socket.setTimeout(ms, callback), feed),
    setNoDelay: (noDelay?: boolean) => (socket.setNoDelay(noDelay), feed),
    setKeepAlive: (enable?: boolean, delay?: number) => (socket.setKeepAlive(enable, delay), feed),
  });
  return feed;
}
