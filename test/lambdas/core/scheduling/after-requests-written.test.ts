import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterRequestsWritten } from '../../../../lambdas/core/scheduling/after-requests-written.js';
import { type OpenAiStandIn, startOpenAiStandIn } from '../../../support/openai-stand-in.js';

let standIn: OpenAiStandIn;
beforeAll(async () => {
  standIn = await startOpenAiStandIn({ logViolations: false });
});
afterAll(() => standIn.close());

/** Paths whose request headers `fetch` (undici) has written to a socket, in order. */
const watchWrites = () => {
  const written: string[] = [];
  const onHeaders = (message: unknown) => {
    written.push(String((message as { request: { path: string } }).request.path));
  };
  subscribe('undici:client:sendHeaders', onHeaders);
  return { written, stop: () => unsubscribe('undici:client:sendHeaders', onHeaders) };
};

const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: standIn.url, maxRetries: 0 });

describe('afterRequestsWritten', () => {
  it('resolves once an embedding request the OpenAI SDK started just before is written', async () => {
    const openai = client();
    await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['warm-up'] });
    const writes = watchWrites();
    try {
      const request = openai.embeddings.create({ model: 'text-embedding-3-small', input: ['a'] });

      await afterRequestsWritten();
      const writtenBefore = [...writes.written];
      await request;

      expect(writtenBefore).toEqual(['/v1/embeddings']);
    } finally {
      writes.stop();
    }
  });

  it('resolves once a streamed chat request started just before is written', async () => {
    const openai = client();
    const writes = watchWrites();
    try {
      const request = openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hello' }],
        stream: true,
      });

      await afterRequestsWritten();
      const writtenBefore = [...writes.written];
      for await (const _ of await request) {
        // drained
      }

      expect(writtenBefore).toEqual(['/v1/chat/completions']);
    } finally {
      writes.stop();
    }
  });
});
