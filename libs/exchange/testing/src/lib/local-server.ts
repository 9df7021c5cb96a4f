import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Constructs a provider without its development notices (the in-memory adapter, default TTLs), which are
 * the point of this harness and would bury test output.
 */
export function quietly<T>(create: () => T): T {
  const { warn, info } = console;
  console.warn = console.info = () => undefined;
  try {
    return create();
  } finally {
    Object.assign(console, { warn, info });
  }
}

/** An http server on 127.0.0.1 and a free port. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Closes a server and its open (keep-alive) connections. */
export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
