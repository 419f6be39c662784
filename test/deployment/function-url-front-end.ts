import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { functionUrlEvent } from '../../dev/http-events.js';
import { readBody } from '../../dev/serve-http-api.js';
import type { LambdaContainer } from './lambda-container.js';

/** When each body chunk left the front end for the client (`performance.now()`), with its text. */
export interface SentChunk {
  at: number;
  text: string;
}

/** A running {@link startFunctionUrlFrontEnd}. */
export interface FunctionUrlFrontEnd {
  readonly url: string;
  /** The body chunks of every response, in order, as they were relayed. */
  readonly sent: SentChunk[];
  close(): Promise<void>;
}

const PRELUDE_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);

/**
 * A function URL in `RESPONSE_STREAM` mode in front of a container: each HTTP request becomes
 * a function URL event, and the bytes the runtime streams to the Runtime API are relayed to
 * the client as they arrive, the HTTP integration prelude (JSON, eight NUL bytes) turned into
 * the status and headers.
 */
export const startFunctionUrlFrontEnd = async (
  container: LambdaContainer,
): Promise<FunctionUrlFrontEnd> => {
  const sent: SentChunk[] = [];
  const server: Server = createServer(async (request, response) => {
    const event = functionUrlEvent({
      method: request.method ?? 'POST',
      url: request.url ?? '/',
      headers: request.headers,
      body: await readBody(request),
    });
    let pending: Buffer | undefined = Buffer.alloc(0);
    let prelude = false;
    const relay = (data: Buffer) => {
      if (data.length === 0) return;
      sent.push({ at: performance.now(), text: data.toString('utf8') });
      response.write(data);
    };
    const result = await container.invoke(event, {
      onHead: (contentType) => {
        prelude = contentType === PRELUDE_TYPE;
        if (!prelude)
          response.writeHead(200, { 'content-type': contentType ?? 'application/octet-stream' });
      },
      onData: (data) => {
        if (pending === undefined) return relay(data);
        if (!prelude) {
          pending = undefined;
          return relay(data);
        }
        pending = Buffer.concat([pending, data]);
        const end = pending.indexOf(PRELUDE_END);
        if (end < 0) return;
        const head = JSON.parse(pending.subarray(0, end).toString('utf8')) as {
          statusCode?: number;
          headers?: Record<string, string>;
        };
        response.writeHead(head.statusCode ?? 200, head.headers ?? {});
        response.flushHeaders();
        const rest = pending.subarray(end + PRELUDE_END.length);
        pending = undefined;
        relay(rest);
      },
    });
    if (result.error && !response.headersSent) {
      response.writeHead(502, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Internal Server Error', error: result.error }));
      return;
    }
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    sent,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
