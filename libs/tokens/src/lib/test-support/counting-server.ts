import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does with the next requests. */
export type Answer =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'text'; readonly status: number; readonly body: string }
  /** Accepts the request and never answers: a hung issuer. */
  | { readonly kind: 'silence' };

/**
 * An HTTP server on 127.0.0.1 that counts the requests it receives and answers with whatever the test set:
 * a JWKS, an error, or nothing. Tests assert on `hits` to prove a request was, or was not, made.
 */
export class CountingServer {
  /** The paths requested, in order. */
  readonly requests: string[] = [];
  #answer: Answer = { kind: 'json', status: 200, body: { keys: [] } };

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<CountingServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const counting = new CountingServer(server, `http://127.0.0.1:${port}`);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => counting.handle(request, response));
    return counting;
  }

  /** The JWKS URL tests configure (any path would do; this one reads well in failures). */
  get url(): string {
    return `${this.origin}/.well-known/jwks.json`;
  }

  get hits(): number {
    return this.requests.length;
  }

  /** Answers every following request with `answer`. */
  answer(answer: Answer): void {
    this.#answer = answer;
  }

  /** Answers 200 with `body` as JSON. */
  serve(body: unknown): void {
    this.answer({ kind: 'json', status: 200, body });
  }

  /** Stops listening and drops open connections (keep-alive ones and unanswered ones alike). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    this.requests.push(request.url ?? '');
    const answer = this.#answer;
    if (answer.kind === 'silence') return;
    const body = answer.kind === 'json' ? JSON.stringify(answer.body) : answer.body;
    response.writeHead(answer.status, { 'content-type': answer.kind === 'json' ? 'application/json' : 'text/plain' }).end(body);
  }
}
