import { QdrantClient } from '@qdrant/js-client-rest';
import OpenAI from 'openai';
import { buildPrompt } from '../../lambdas/core/chat/build-prompt.js';
import { DEFAULT_FUSION } from '../../lambdas/core/ports/vector-store.js';
import { queryVector } from '../../lambdas/core/retrieval/sparse-vector.js';
import { listen, type RunningServer, readText } from '../lib/http-server.js';

/** Options of {@link startMinimalRagServer}. */
export interface MinimalRagOptions {
  openAiUrl: string;
  qdrantUrl: string;
  collection: string;
  tenantId: string;
}

interface ChunkFields {
  documentId?: unknown;
  title?: unknown;
  chunkIndex?: unknown;
  text?: unknown;
}

/**
 * The chat throughput baseline: a minimal `node:http` server that makes the same upstream calls
 * as `POST /v1/chat` (embed the question, one hybrid Qdrant query (dense and
 * BM25 prefetches fused by the same weighted RRF) for the tenant's top 5 chunks, one chat completion over the same prompt builder) with the same SDK clients, and
 * nothing else: no API Gateway event, middleware, authentication, session history or storage.
 * The ratio to it is the cost of everything the project adds around the AI calls.
 *
 * @example
 * const baseline = await startMinimalRagServer({ openAiUrl, qdrantUrl, collection: 'chunks', tenantId: 'local' });
 */
export const startMinimalRagServer = async (options: MinimalRagOptions): Promise<RunningServer> => {
  const openai = new OpenAI({ apiKey: 'sk-bench', baseURL: options.openAiUrl, maxRetries: 2 });
  const qdrant = new QdrantClient({ url: options.qdrantUrl, checkCompatibility: false });
  return listen(async (request, response) => {
    try {
      const { message } = JSON.parse(await readText(request)) as { message: string };
      const embedded = await openai.embeddings.create({
        model: 'text-embedding-3-small',
        input: [message],
        dimensions: 1536,
      });
      const filter = { must: [{ key: 'tenantId', match: { value: options.tenantId } }] };
      const { k, weights, candidates } = DEFAULT_FUSION;
      const found = await qdrant.query(options.collection, {
        prefetch: [
          { query: embedded.data[0]!.embedding, using: 'dense', filter, limit: candidates },
          {
            query: queryVector(message),
            using: 'bm25',
            filter,
            params: { idf: { corpus: filter } },
            limit: candidates,
          },
        ],
        query: { rrf: { k, ...(weights ? { weights: [...weights] } : {}) } },
        filter,
        limit: 5,
        with_payload: ['documentId', 'title', 'chunkIndex', 'text'],
        with_vector: false,
      });
      const chunks = found.points.map((point) => {
        const payload = (point.payload ?? {}) as ChunkFields;
        return {
          documentId: String(payload.documentId),
          title: String(payload.title),
          chunkIndex: Number(payload.chunkIndex),
          text: String(payload.text),
          score: point.score,
        };
      });
      const completion = await openai.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: buildPrompt({ question: message, history: [], chunks }),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ answer: completion.choices[0]?.message.content ?? '', sources: chunks }),
      );
    } catch (error) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(String(error));
    }
  });
};
