import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that counts every request and answers each with the same JSON: where a forged token's
 * `jku`, `x5u` or `jwk` points. It serves the attacker's own key set, so a verifier that followed the header
 * would find a key that makes the forgery verify; the count proves the verifier never asked.
 */
export class CountingServer {
  private constructor(
    private readonly server: Server,
    /** e.g. `http://127.0.0.1:41234` */
    readonly origin: string,
    private readonly paths: readonly string[],
  ) {}

  static async start(body: unknown): Promise<CountingServer> {
    const json = JSON.stringify(body);
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/json' }).end(json);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new CountingServer(server, `http://127.0.0.1:${port}`, paths);
  }

  /** Requests received so far. */
  get hits(): number {
    return this.paths.length;
  }

  /** Their paths, for a failure message that says what was fetched. */
  get requested(): readonly string[] {
    return this.paths;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
