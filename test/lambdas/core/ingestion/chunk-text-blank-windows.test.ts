/**
 * A long run of whitespace or of zero-width characters inside a paragraph: the sliding window
 * cuts a word whose trailing whitespace outweighs the overlap into pieces of whitespace, and a
 * window of only those (or of zero-width characters) shows nothing. Such a chunk was kept, as ''
 * or as its heading line alone; the OpenAI embedder refuses a blank input, so the document
 * failed on every delivery.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { OpenAiEmbedder } from '../../../../lambdas/adapters/openai/openai-embedder.js';
import {
  chunkText,
  HEADING_PATH_SEPARATOR,
} from '../../../../lambdas/core/ingestion/chunk-text.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { isBlank } from '../../../../lambdas/core/text/whitespace.js';
import { ingestionFixture } from '../../../support/ingestion-fixture.js';
import { float32Base64 } from '../../../support/openai-stand-in.js';
import { testReaders } from '../../../support/readers.js';

const DEFAULTS = { maxTokens: 400, overlapTokens: 60 }; // CHUNK_SIZE_TOKENS / CHUNK_OVERLAP_TOKENS

describe('chunkText on a paragraph with a long run of whitespace or invisible characters', () => {
  it('never makes a chunk whose text is empty (the OpenAI embedder refuses it)', () => {
    // Two words with a wide gap: a fixed-width report line, a padded table cell.
    const chunks = chunkText(`alpha${' '.repeat(20_000)}omega`, DEFAULTS);

    // OpenAiEmbedder.embed throws RangeError('cannot embed a blank text') for exactly this test.
    const refused = chunks.filter((chunk) => chunk.text.trim() === '');
    expect(refused.map((chunk) => chunk.index)).toEqual([]);
  });

  it('never makes a chunk that holds only its heading line', () => {
    const chunks = chunkText(`# Guide\n\nalpha${'\t'.repeat(20_000)}omega`, DEFAULTS);

    const bodies = chunks.map((chunk) =>
      chunk.text.slice(chunk.headingPath.join(HEADING_PATH_SEPARATOR).length),
    );
    expect(bodies.filter(isBlank)).toEqual([]);
  });

  it('never makes a chunk of zero-width characters only', () => {
    const chunks = chunkText(`alpha${'\u200b'.repeat(20_000)}omega`, DEFAULTS);

    expect(chunks.filter((chunk) => isBlank(chunk.text)).length).toBe(0);
  });

  it('stores no blank chunk when such a document is indexed', async () => {
    const { uploadText, queue, indexDocument, vectors, embedder } = ingestionFixture();
    const { id } = await uploadText('Padded', `alpha${' '.repeat(4_000)}omega`);

    await indexDocument.execute(queue.jobs[0]!);

    // What the OpenAI embedder would have been asked to embed, and refused.
    expect(embedder.calls.flat().filter((text) => text.trim() === '')).toEqual([]);
    expect(vectors.pointsOf('acme', id).filter((point) => isBlank(point.payload.text))).toEqual([]);
  });

  it('indexes such a document with the OpenAI embedder instead of failing it', async () => {
    const { uploadText, queue, documents, blobs, vectors, clock } = ingestionFixture();
    // The real adapter; only the HTTP exchange is answered in process (one vector per input).
    const openai = new OpenAI({
      apiKey: 'sk-test',
      baseURL: 'http://openai.invalid/v1',
      maxRetries: 0,
      fetch: async (_url: unknown, init?: { body?: unknown }) => {
        const { input } = JSON.parse(String(init?.body)) as { input: string[] };
        return Response.json({
          object: 'list',
          model: 'text-embedding-3-small',
          data: input.map((_, index) => ({
            object: 'embedding',
            index,
            embedding: float32Base64([1, 0, 0, 0]),
          })),
          usage: { prompt_tokens: input.length, total_tokens: input.length },
        });
      },
    });
    const indexDocument = new IndexDocument({
      documents,
      blobs,
      embedder: new OpenAiEmbedder(openai, { model: 'text-embedding-3-small', dimensions: 4 }),
      vectors,
      queue,
      clock,
      chunking: DEFAULTS,
      readers: testReaders,
    });
    const { id } = await uploadText('Padded', `alpha${' '.repeat(4_000)}omega`);

    // Today: RangeError('cannot embed a blank text (input 1)') on every delivery.
    await expect(indexDocument.execute(queue.jobs[0]!)).resolves.toMatchObject({
      kind: 'indexed',
    });
    expect(await documents.get('acme', id)).toMatchObject({ status: 'ready' });
  });
});
