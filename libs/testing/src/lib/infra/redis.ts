import { connect } from 'node:net';

/** The machine's Redis when REDIS_URL does not name another. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Resolves when a Redis server answers PING at `url`; rejects with a
 * one-line reason otherwise. A raw RESP exchange over a socket, so the
 * test setup needs no Redis client of its own.
 */
export function pingRedis(url: string, timeoutMs = 2000): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port || 6379) });
    const fail = (reason: string) => {
      socket.destroy();
      reject(new Error(`Redis at ${hostname}:${port || 6379} ${reason}`));
    };
    socket.setTimeout(timeoutMs, () => fail('did not answer in time'));
    socket.once('error', (error) => fail(`is unreachable (${error.message})`));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      if (data.toString().startsWith('+PONG')) resolve();
      else fail(`answered PING with ${JSON.stringify(data.toString().trim().slice(0, 60))}`);
    });
  });
}
