import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../support/local-stack-client.js';
import { type QdrantStandIn, startQdrantStandIn } from '../support/qdrant-stand-in.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';

const PAGE = [
  '# Lanterns',
  '## Fuel',
  'A storm lantern burns paraffin and its wick is trimmed flat so the flame stays even.',
].join('\n\n');

/**
 * `npm run dev` with `QDRANT_URL` set: the documents and indexer functions run in threads of
 * their own and reach the Qdrant adapter of the main thread across a message port.
 */
describe('the local stack on Qdrant (function threads)', () => {
  let qdrant: QdrantStandIn;
  let started: StackOnOpenAiStandIn;

  beforeAll(async () => {
    qdrant = await startQdrantStandIn({ logViolations: false });
    started = await startStackOnOpenAiStandIn('stack-on-qdrant-', {}, { QDRANT_URL: qdrant.url });
  });

  afterAll(async () => {
    await started?.close();
    await qdrant?.close();
  });

  it('indexes an upload with requests the Qdrant 1.19 spec accepts', async () => {
    const api = client(started.stack, started.stack.apiKey);

    const upload = await api.json('POST', '/v1/documents', { title: 'lanterns.md', text: PAGE });
    const id = (upload.body as { id: string }).id;
    await expect
      .poll(async () => (await api.json('GET', `/v1/documents/${id}`)).body, { timeout: 15_000 })
      .toMatchObject({ status: 'ready' });

    const stored = qdrant.points('chunks').filter((point) => point.payload.documentId === id);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.every((point) => point.named.dense?.length === 64)).toBe(true);
    expect(() => qdrant.assertNoViolations()).not.toThrow();
  });
});
