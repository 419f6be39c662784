import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** A request as sent on the wire: any method, any path bytes, any headers, any body. */
export interface RawRequest {
  method: string;
  /** Path and query, sent as is (already percent-encoded where needed). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

class StaleConnection extends Error {}

/** A reply as the tests read it. */
export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
}

/**
 * A small HTTP/1.1 client that sends exactly what it is given: unlike `fetch`, it adds no
 * content type, keeps odd methods and paths as they are, and sends binary bodies untouched.
 * One keep-alive agent per base URL bounds the connections (and so the concurrency).
 *
 * @example
 * const http = rawHttp('http://127.0.0.1:3000', { maxSockets: 8 });
 * const reply = await http.send({ method: 'GET', path: '/v1/sessions?limit=-1', headers: {} });
 */
export const rawHttp = (
  baseUrl: string,
  options: { maxSockets?: number; timeoutMs?: number } = {},
) => {
  const base = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 8 });
  const timeoutMs = options.timeoutMs ?? 15_000;

  const attempt = (raw: RawRequest): Promise<RawReply> =>
    new Promise((resolve, reject) => {
      const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
      const req = httpRequest(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: raw.method,
          path: raw.path,
          headers: {
            ...raw.headers,
            ...(body === undefined ? {} : { 'content-length': String(body.length) }),
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = text === '' ? undefined : JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no reply within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection the server closed just as it was reused: not the server's
        // answer to this request, so it is sent again on a new connection (as Node's docs advise).
        if (req.reusedSocket && error.code === 'ECONNRESET') reject(new StaleConnection());
        else reject(error);
      });
      req.end(body);
    });

  const send = (raw: RawRequest): Promise<RawReply> =>
    attempt(raw).catch((error: unknown) => {
      if (error instanceof StaleConnection) return attempt(raw);
      throw error;
    });

  return { send, close: () => agent.destroy() };
};

/** The client {@link rawHttp} returns. */
export type RawHttp = ReturnType<typeof rawHttp>;
