import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from '../../dev/serve-http-api.js';
import type { ViolationLog } from './spec-validator.js';

/** A request body as text. */
export const readText = async (request: IncomingMessage): Promise<string> =>
  (await readBody(request)).toString('utf8');

/**
 * An HTTP server for a spec-checked stand-in: a handler that throws is a bug of the stand-in,
 * recorded as a reply violation (so the test fails loudly) and answered 500 or cut.
 *
 * @example
 * const server = standInServer('qdrant', log, handle);
 */
export const standInServer = (
  service: 'openai' | 'qdrant',
  log: ViolationLog,
  handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Server =>
  createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log.record({
        service,
        kind: 'reply',
        method: request.method ?? '',
        url: request.url ?? '',
        errors: [`stand-in crashed: ${message}`],
      });
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy();
    });
  });
