import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { client, streamParts } from '../support/local-stack-client.js';
import type { OpenAiStandIn } from '../support/openai-stand-in.js';
import { fillerLines, makePdf } from '../support/pdf-fixture.js';
import {
  type StackOnOpenAiStandIn,
  startStackOnOpenAiStandIn,
} from '../support/stack-on-openai-stand-in.js';

const PAGES = 300;
const FACT_PAGE = 137;
const MAX_UPLOAD_BYTES = 3_000_000;

/** 300 pages of filler, one of which holds a fact found nowhere else. */
const handbookPages = () =>
  Array.from({ length: PAGES }, (_, index) =>
    index + 1 === FACT_PAGE
      ? [...fillerLines(index + 1), 'The lighthouse vault opens with the code zephyr-4417.']
      : fillerLines(index + 1),
  );

const blobFiles = (dataDir: string): string[] =>
  readdirSync(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));

describe('PDF documents (black box, local stack, OpenAI stand-in at 100 ms per embedding call)', () => {
  let dataDir: string;
  let openai: OpenAiStandIn;
  let started: StackOnOpenAiStandIn;
  let stack: LocalStack;
  let api: ReturnType<typeof client>;
  let handbookId: string;

  const uploadFile = async (bytes: Buffer, name: string, type = 'application/pdf') => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const response = await fetch(`${stack.apiUrl}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    started = await startStackOnOpenAiStandIn(
      'pdf-ingestion-',
      { embeddingDelayMs: 100 },
      { RETRIEVAL_MIN_SCORE: '-1', MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES) },
    );
    ({ stack, openai, dataDir } = started);
    api = client(stack, stack.apiKey);
  });

  afterAll(() => started?.close());

  it('indexes a 300-page PDF uploaded as a multipart file, in parts, to ready', async () => {
    const uploaded = await uploadFile(makePdf(handbookPages()), 'handbook.pdf');
    handbookId = String(uploaded.body.id);

    const record = await api.waitForDocument(handbookId, 170_000);

    expect(uploaded.status).toBe(202);
    expect(record).toMatchObject({
      title: 'handbook.pdf',
      contentType: 'application/pdf',
      status: 'ready',
    });
    expect(record.chunkCount).toBeGreaterThan(PAGES);
  }, 180_000);

  it('cites the page a fact is on, in the JSON answer and in the stream', async () => {
    const question = 'Which code opens the lighthouse vault?';

    const answer = await api.json('POST', '/v1/chat', { message: question });
    const streamed = await api.stream({ message: question });

    const sources = (answer.body as { message: { sources: { page?: number }[] } }).message.sources;
    expect(sources[0]).toMatchObject({ documentId: handbookId, page: FACT_PAGE });
    const cited = streamParts(streamed.text).find((part) => part.type === 'source-document');
    expect(cited).toMatchObject({ title: `handbook.pdf, p. ${FACT_PAGE}` });
  });

  it('answers a re-upload of the unchanged PDF as unchanged, with no embedding call', async () => {
    const callsBefore = openai.callCount('embeddings');

    const again = await uploadFile(makePdf(handbookPages()), 'handbook.pdf');
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(again).toMatchObject({
      status: 200,
      body: { id: handbookId, version: 1, unchanged: true },
    });
    expect(openai.callCount('embeddings')).toBe(callsBefore);
  });

  it('answers a re-saved copy with the same text as unchanged, with no embedding call', async () => {
    const callsBefore = openai.callCount('embeddings');

    const resaved = await uploadFile(
      makePdf(handbookPages(), { producer: 'Another writer' }),
      'handbook.pdf',
    );

    expect(resaved).toMatchObject({
      status: 200,
      body: { id: handbookId, version: 1, unchanged: true },
    });
    expect(openai.callCount('embeddings')).toBe(callsBefore);
  }, 60_000);

  it.each([
    ['an encrypted PDF', makePdf([['Secret']], { encrypted: true }), 422, 'password'],
    ['an image-only PDF', makePdf([[], []]), 422, 'no text layer'],
    ['a malformed PDF', Buffer.from('%PDF-1.7\nnothing but noise'), 422, 'cannot be read'],
    ['an oversize PDF', Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x20), 413, 'MAX_UPLOAD_BYTES'],
  ])('refuses %s with a clear 4xx, leaving nothing behind', async (_, bytes, status, words) => {
    const filesBefore = blobFiles(dataDir);

    const refused = await uploadFile(bytes, 'refused.pdf');
    const listed = await api.json('GET', '/v1/documents?limit=100');

    expect(refused.status).toBe(status);
    expect(String(refused.body.detail)).toContain(words);
    expect((listed.body as { items: { title: string }[] }).items.map((item) => item.title)).toEqual(
      ['handbook.pdf'],
    );
    expect(blobFiles(dataDir)).toEqual(filesBefore);
  });
});
