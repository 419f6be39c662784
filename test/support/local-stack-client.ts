import type { LocalStack } from '../../dev/local-stack.js';

/** A reply as the tests read it. */
export interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/**
 * A small HTTP client for a running local stack, acting as one API key.
 *
 * @example
 * const a = client(stack, stack.apiKey);
 * const { status, body } = await a.json('POST', '/v1/chat', { message: 'Hi' });
 */
export const client = (stack: Pick<LocalStack, 'apiUrl' | 'streamUrl'>, apiKey?: string) => {
  const headers = (extra: Record<string, string> = {}) => ({
    ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
    ...extra,
  });
  const read = async (response: Response): Promise<Reply> => {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body, text };
  };
  return {
    json: async (method: string, path: string, body?: unknown): Promise<Reply> =>
      read(
        await fetch(`${stack.apiUrl}${path}`, {
          method,
          headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      ),
    stream: async (body: unknown): Promise<Reply> =>
      read(
        await fetch(stack.streamUrl, {
          method: 'POST',
          headers: headers({ 'content-type': 'application/json' }),
          body: JSON.stringify(body),
        }),
      ),
    /** Polls a document until it is `ready` or `failed`. */
    waitForDocument: async (id: string, timeoutMs = 10_000): Promise<Record<string, unknown>> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const reply = await read(
          await fetch(`${stack.apiUrl}/v1/documents/${id}`, { headers: headers() }),
        );
        const record = reply.body as Record<string, unknown>;
        if (record.status === 'ready' || record.status === 'failed') return record;
        if (Date.now() > deadline) throw new Error(`document ${id} still ${String(record.status)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
};

/** The parts of a UI message stream body, comment lines and `[DONE]` left out. */
export const streamParts = (body: string): { type: string; [key: string]: unknown }[] =>
  body
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as { type: string });
