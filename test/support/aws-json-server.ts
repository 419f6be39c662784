import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../dev/serve-http-api.js';

/** An AWS JSON protocol error: its `__type` and message, with the HTTP status to send. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** One operation of an AWS JSON service: the parsed request body in, the reply body out. */
export type AwsJsonOperation = (input: Record<string, unknown>) => unknown;

/** A running {@link startAwsJsonServer}. */
export interface AwsJsonServer {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * An HTTP server speaking an AWS JSON protocol (1.0 or 1.1), as SDK v3 clients send it: a POST
 * to `/` whose `X-Amz-Target` header is `<prefix>.<Operation>` and whose body is JSON. Unknown
 * operations and malformed bodies get the protocol's error shape (`__type`, `message`).
 *
 * @example
 * const server = await startAwsJsonServer('AmazonSQS', '1.0', { SendMessage: (input) => ({ MessageId: '1' }) });
 */
export const startAwsJsonServer = async (
  targetPrefix: string,
  version: '1.0' | '1.1',
  operations: Record<string, AwsJsonOperation>,
): Promise<AwsJsonServer> => {
  const contentType = `application/x-amz-json-${version}`;
  const reply = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(text)),
      'x-amzn-requestid': crypto.randomUUID(),
    });
    response.end(text);
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = (await readBody(request)).toString('utf8');
    try {
      const target = String(request.headers['x-amz-target'] ?? '');
      const [prefix, operationName = ''] = target.split('.');
      const operation = prefix === targetPrefix ? operations[operationName] : undefined;
      if (request.method !== 'POST' || !operation) {
        throw new AwsJsonError('UnknownOperationException', `unknown operation ${target}`);
      }
      let input: unknown;
      try {
        input = JSON.parse(body || '{}');
      } catch {
        throw new AwsJsonError('SerializationException', 'the body is not JSON');
      }
      reply(response, 200, await operation(input as Record<string, unknown>));
    } catch (error) {
      if (error instanceof AwsJsonError) {
        reply(response, error.status, { __type: error.type, message: error.message });
      } else {
        reply(response, 500, { __type: 'InternalFailure', message: String(error) });
      }
    }
  };
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
