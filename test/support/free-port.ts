import { createServer } from 'node:net';

/**
 * A loopback port free at the moment of the call (nothing listens on it once it resolves): for
 * a server that must come back on the same port, or a client that must find none.
 *
 * @example
 * const port = await freePort();
 */
export const freePort = (): Promise<number> =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
