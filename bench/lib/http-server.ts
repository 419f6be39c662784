import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on a free port of 127.0.0.1. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a `node:http` server with `listener` on a free port of 127.0.0.1.
 *
 * @example
 * const server = await listen((request, response) => response.end('ok'));
 */
export const listen = async (listener: RequestListener): Promise<RunningServer> => {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Reads a request body as text. */
export const readText = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

/** Writes a web `Response` (status, headers, streamed body) to a Node.js server response. */
export const sendWebResponse = async (web: Response, response: ServerResponse): Promise<void> => {
  response.writeHead(web.status, Object.fromEntries(web.headers));
  if (web.body) {
    const reader = web.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      response.write(next.value);
    }
  }
  response.end();
};
