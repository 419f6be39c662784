import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../dev/http-events.js';
import { composeLocalIndexing } from '../../dev/local-indexing.js';
import type { InProcessQueue } from '../../lambdas/adapters/local/in-process-queue.js';
import { S3BlobStore } from '../../lambdas/adapters/s3/s3-blob-store.js';
import { S3UploadUrlSigner } from '../../lambdas/adapters/s3/s3-upload-url-signer.js';
import { composeAi } from '../../lambdas/composition/ai-components.js';
import { composeChatApi } from '../../lambdas/composition/chat-api.js';
import { composeDocumentsApi } from '../../lambdas/composition/documents-api.js';
import { loadRuntimeConfig } from '../../lambdas/composition/runtime-config.js';
import { composeLimiter, composeShared } from '../../lambdas/composition/shared.js';
import { createHandler as createChatApi } from '../../lambdas/handlers/chat-api.js';
import { createHandler as createDocumentsApi } from '../../lambdas/handlers/documents-api.js';
import { type DynaliteHandle, startDynalite } from '../support/dynalite.js';
import { silentLogger, testHttpOptions } from '../support/http-deps.js';
import { lambdaContext } from '../support/lambda-context.js';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.js';
import { type QdrantStandIn, startQdrantStandIn } from '../support/qdrant-stand-in.js';
import { type S3StandIn, startS3StandIn } from '../support/s3-stand-in.js';

const SHARED_CORPUS = join(import.meta.dirname, '../../../shared/corpus/fastapi-docs/tutorial');
const COLLECTION = 'chunks';

interface Page {
  title: string;
  text: string;
}

/** 20 pages of the shared FastAPI docs, or 20 generated pages of the same shape when missing. */
const corpus = (): Page[] => {
  if (existsSync(SHARED_CORPUS)) {
    return readdirSync(SHARED_CORPUS)
      .filter((name) => name.endsWith('.md'))
      .sort()
      .slice(0, 20)
      .map((name) => ({ title: name, text: readFileSync(join(SHARED_CORPUS, name), 'utf8') }));
  }
  return Array.from({ length: 20 }, (_, index) => ({
    title: `page-${index}.md`,
    text: [
      `# Topic ${index}`,
      ...Array.from({ length: 6 }, (__, section) =>
        [
          `## Section ${section} of topic ${index}`,
          Array.from(
            { length: 30 },
            (___, word) => `subject${index} feature${index}x${section} detail${word}`,
          ).join(' '),
        ].join('\n\n'),
      ),
    ].join('\n\n'),
  }));
};

describe('ingestion pipeline: documents API → S3 + queue → indexer → Qdrant, then chat', () => {
  let db: DynaliteHandle;
  let s3: S3StandIn;
  let openai: OpenAiStandIn;
  let qdrant: QdrantStandIn;
  let queue: InProcessQueue;
  let documentsApi: ReturnType<typeof createDocumentsApi>;
  let chatApi: ReturnType<typeof createChatApi>;
  const pages = corpus();
  const ids = new Map<string, string>();

  const call = async (
    handler: typeof documentsApi,
    method: string,
    url: string,
    routeKey: string,
    body?: unknown,
    pathParameters?: Record<string, string>,
  ) => {
    const result = await handler(
      apiGatewayEvent({
        method,
        url,
        routeKey,
        headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(pathParameters ? { pathParameters } : {}),
      }),
      lambdaContext(),
    );
    return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
  };
  const upload = (page: Page) =>
    call(documentsApi, 'POST', '/v1/documents', 'POST /v1/documents', page);
  const status = (id: string) =>
    call(documentsApi, 'GET', `/v1/documents/${id}`, 'GET /v1/documents/{id}', undefined, { id });
  const pointsOf = (id: string) =>
    qdrant.points(COLLECTION).filter((point) => point.payload.documentId === id);

  beforeAll(async () => {
    [db, s3, openai, qdrant] = await Promise.all([
      startDynalite(),
      startS3StandIn(),
      startOpenAiStandIn({ dimensions: 64 }),
      startQdrantStandIn(),
    ]);
    const config = loadRuntimeConfig({
      TABLE_NAME: db.tableName,
      DYNAMODB_ENDPOINT: db.endpoint,
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'test-key',
      EMBEDDING_MODEL: 'text-embedding-3-small',
      EMBEDDING_DIMENSIONS: '64',
      QDRANT_URL: qdrant.url,
      QDRANT_COLLECTION: COLLECTION,
      RETRIEVAL_MIN_SCORE: '0',
      CHUNK_SIZE_TOKENS: '200',
      CHUNK_OVERLAP_TOKENS: '20',
    });
    const shared = {
      ...composeShared(config, silentLogger()),
      dynamo: db.documentClient,
      limiter: composeLimiter(config, db.documentClient),
    };
    const http = testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000_000 });
    const s3Client = new S3Client({
      endpoint: s3.endpoint,
      forcePathStyle: true,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    const blobs = new S3BlobStore(s3Client, 'raw-documents');
    const uploadUrls = new S3UploadUrlSigner(s3Client, 'raw-documents');
    const ai = await composeAi(config);
    const indexing = await composeLocalIndexing(
      config,
      shared,
      { blobs, ai },
      {
        retryDelayMs: () => 20,
        batchWindowMs: 10,
      },
    );
    queue = indexing.queue;
    const { adapters } = indexing;
    documentsApi = createDocumentsApi({
      ...(await composeDocumentsApi(config, shared, { ...adapters, uploadUrls })),
      http: { ...http },
    });
    chatApi = createChatApi({ ...(await composeChatApi(config, shared, ai)), http });

    for (const page of pages) {
      const reply = await upload(page);
      expect(reply.status).toBe(202);
      ids.set(page.title, reply.body.id);
    }
    await queue.drain();
  });
  afterAll(async () => {
    await queue.close();
    await Promise.all([db.close(), s3.close(), openai.close(), qdrant.close()]);
  });

  it('brings every one of the 20 documents to ready, with its chunks in Qdrant', async () => {
    for (const page of pages) {
      const id = ids.get(page.title)!;
      const reply = await status(id);

      expect(reply.body.status, page.title).toBe('ready');
      expect(pointsOf(id)).toHaveLength(reply.body.chunkCount);
    }
  });

  it('embeds in batches: far fewer embedding calls than chunks', () => {
    const chunks = qdrant.points(COLLECTION).length;

    expect(openai.callCount('embeddings')).toBeLessThanOrEqual(pages.length);
    expect(chunks).toBeGreaterThan(pages.length);
  });

  it('answers a question about one document citing it', async () => {
    const page = pages[5]!;
    const sentence = page.text
      .split('\n')
      .find((line) => line.trim().length > 60 && !line.startsWith('#'))!;

    const reply = await call(chatApi, 'POST', '/v1/chat', 'POST /v1/chat', {
      message: sentence.trim(),
    });

    expect(reply.status).toBe(200);
    expect(reply.body.message.sources[0].documentId).toBe(ids.get(page.title));
  });

  it('makes no version and no embedding call when the same document is ingested again', async () => {
    const page = pages[0]!;
    const id = ids.get(page.title)!;
    const before = pointsOf(id).length;
    const embeddings = openai.callCount('embeddings');

    const reply = await upload(page);
    await queue.drain();

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id, version: 1, status: 'ready', unchanged: true });
    expect(pointsOf(id)).toHaveLength(before);
    expect(openai.callCount('embeddings')).toBe(embeddings);
  });

  it('removes the extra chunks when a document gets shorter', async () => {
    const page = pages[1]!;
    const id = ids.get(page.title)!;
    expect(pointsOf(id).length).toBeGreaterThan(1);

    await upload({ title: page.title, text: '# Short\n\nNow only one short paragraph.' });
    await queue.drain();

    expect(pointsOf(id)).toHaveLength(1);
    expect((await status(id)).body.chunkCount).toBe(1);
  });

  it('treats a redelivered message as harmless', async () => {
    const page = pages[2]!;
    const id = ids.get(page.title)!;
    const before = pointsOf(id)
      .map((point) => point.id)
      .sort();
    const version = (await status(id)).body.version;

    queue.send(JSON.stringify({ tenantId: 'tenant-a', documentId: id, version }));
    await queue.drain();

    expect(
      pointsOf(id)
        .map((point) => point.id)
        .sort(),
    ).toEqual(before);
    expect((await status(id)).body.status).toBe('ready');
    expect(queue.deadLetters).toHaveLength(0);
  });

  it('retries a record throttled by the embedding provider later, and indexes it then', async () => {
    openai.setFault('embeddings', { kind: '429', retryAfterSeconds: 1 }, 1);

    const reply = await upload({
      title: 'throttled.md',
      text: '# Throttled\n\nIndexed on the second delivery.',
    });
    await queue.drain();
    const record = (await status(reply.body.id)).body;

    expect(record.status).toBe('ready');
    expect(record.attempts).toBe(2);
  });

  it('sends nothing the real services would reject', () => {
    openai.assertNoViolations();
    qdrant.assertNoViolations();
  });
});
