import { createConnection, createServer, type Server, type Socket } from 'node:net';

const HOST = '127.0.0.1';

/**
 * A TCP relay between the services under test and the machine's PostgreSQL, so a test can take PostgreSQL away
 * from them without stopping it (every other suite on the machine shares that server).
 *
 * Why an outage here is faithful from the services' point of view: they only ever meet PostgreSQL through TCP
 * connections to one address. When a server stops, every open connection is closed under its client (any
 * transaction in flight is never committed) and every new connection is refused until it is back; its data
 * survives. `outage()` does exactly that: it closes every relayed connection on both sides (the server-side
 * backend sees its client go, and PostgreSQL rolls back whatever transaction it had open, just as a stop would)
 * and stops listening, so a connect gets ECONNREFUSED as from a port nobody serves, until it listens again on the
 * same port. What it does not reproduce is a stop's FATAL 57P01 message before the close, which only changes the
 * error text a client logs.
 */
export class PostgresProxy {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private boundPort = 0;

  private constructor(private readonly target: { readonly host: string; readonly port: number }) {}

  /** Where the services connect: 127.0.0.1:`port`, the same across outages. */
  get port(): number {
    return this.boundPort;
  }

  /** Relays a free local port to the server of `serverUrl` (a postgres:// URL). */
  static async start(serverUrl: string): Promise<PostgresProxy> {
    const url = new URL(serverUrl);
    const target = { host: url.hostname || HOST, port: Number(url.port || 5432) };
    const proxy = new PostgresProxy(target);
    proxy.boundPort = await proxy.listen(0);
    return proxy;
  }

  /** `url` (a database on the proxied server) as the services must reach it: through the proxy. */
  via(url: string): string {
    const through = new URL(url);
    through.hostname = HOST;
    through.port = String(this.port);
    return through.toString();
  }

  /** True while new connections are accepted. */
  get accepting(): boolean {
    return this.server !== undefined;
  }

  /** Closes every relayed connection and refuses new ones, until `restore()`. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((done) => server.close(() => done()));
  }

  /** Accepts connections again on the same port. */
  async restore(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  /** PostgreSQL unavailable for `ms`: `cut()`, wait, `restore()`. */
  async outage(ms: number): Promise<void> {
    await this.cut();
    try {
      await new Promise((done) => setTimeout(done, ms));
    } finally {
      await this.restore();
    }
  }

  /** Stops relaying for good. */
  close(): Promise<void> {
    return this.cut();
  }

  private listen(port: number): Promise<number> {
    const server = createServer((client) => this.relay(client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.removeListener('error', reject);
        this.server = server;
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  private relay(client: Socket): void {
    const upstream = createConnection(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      // Either side going (or failing) takes the other with it, as one TCP connection to the server would.
      socket.once('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
