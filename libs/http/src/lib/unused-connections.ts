import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * The connections that have not begun a request yet, for the shutdown sweep.
 *
 * Node 20's `closeIdleConnections()` skips a connection that never sent a
 * request (nodejs/node#63452, fixed upstream by #63470), so `server.close()`
 * waits for it: a browser's speculative preconnect, a TCP health check, or
 * the spare connection undici opens after an aborted fetch held every
 * graceful shutdown until its deadline. Such a connection carries nothing
 * the server accepted, so closing it loses nothing.
 *
 * A connection counts as begun at the server's `request` event (headers
 * parsed); one still sending its headers when the sweep comes is closed
 * like one that sent nothing, as `server.close()` refuses new work anyway.
 */
export class UnusedConnections {
  private readonly unused = new Set<Socket>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.unused.add(socket);
      socket.once('close', () => this.unused.delete(socket));
    });
    server.on('request', (request: { socket: Socket }) => this.unused.delete(request.socket));
  }

  /** How many connections have not begun a request (for tests). */
  get size(): number {
    return this.unused.size;
  }

  /** Closes every connection that has not begun a request. */
  closeAll(): void {
    for (const socket of this.unused) socket.destroy();
    this.unused.clear();
  }
}
