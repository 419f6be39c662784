import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { client } from '../support/local-stack-client.js';
import type { OpenAiStandIn } from '../support/openai-stand-in.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';

const DOCUMENTS = 20;

/** A page whose every sentence carries its own marker, so any retrieved chunk gives it away. */
const page = (n: number) =>
  [
    `# Gadget ${n}`,
    ...Array.from(
      { length: 4 },
      (_, section) =>
        `## Part ${section}\n\nThe marker quillfeather${n} describes gadget ${n}, part ${section}: ` +
        `it hums at ${n * 10 + section} hertz and glows when quillfeather${n} is spoken.`,
    ),
  ].join('\n\n');

describe('deleting documents while they are being indexed (black box, local stack)', () => {
  let openai: OpenAiStandIn;
  let started: StackOnOpenAiStandIn;
  let stack: LocalStack;

  beforeAll(async () => {
    // Slow embeddings keep every document in flight while it is deleted.
    started = await startStackOnOpenAiStandIn(
      'delete-during-indexing-',
      { embeddingDelayMs: 150 },
      { RETRIEVAL_MIN_SCORE: '-1' },
    );
    ({ stack, openai } = started);
  });

  afterAll(() => started?.close());

  it('finds none of their text through chat afterwards', async () => {
    const api = client(stack, stack.apiKey);
    const uploads = await Promise.all(
      Array.from({ length: DOCUMENTS }, (_, n) =>
        api.json('POST', '/v1/documents', { title: `gadget-${n}.md`, text: page(n) }),
      ),
    );
    const ids = uploads.map((reply) => (reply.body as { id: string }).id);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the first batches are indexing

    const deletes = await Promise.all(ids.map((id) => api.json('DELETE', `/v1/documents/${id}`)));
    await expect
      .poll(() => stack.queue.depth, { timeout: 20_000 })
      .toEqual({
        visible: 0,
        delayed: 0,
        inFlight: 0,
      });
    const listed = await api.json('GET', '/v1/documents?limit=100');
    const answers = await Promise.all(
      Array.from({ length: DOCUMENTS }, (_, n) =>
        api.json('POST', '/v1/chat', { message: `What does quillfeather${n} describe?` }),
      ),
    );
    const prompts = openai.requests
      .filter((request) => request.endpoint === 'chat.completions')
      .map((request) => JSON.stringify(request.body));

    expect(uploads.map((reply) => reply.status)).toEqual(Array(DOCUMENTS).fill(202));
    expect(deletes.map((reply) => reply.status)).toEqual(Array(DOCUMENTS).fill(204));
    expect((listed.body as { items: unknown[] }).items).toEqual([]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect((answer.body as { message: { sources: unknown[] } }).message.sources).toEqual([]);
    }
    expect(prompts).toHaveLength(DOCUMENTS);
    for (const prompt of prompts) expect(prompt).not.toMatch(/hums at \d+ hertz/);
  });
});
