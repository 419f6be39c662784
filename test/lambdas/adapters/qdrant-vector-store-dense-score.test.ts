import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedVectorStore } from '../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { QdrantVectorStore } from '../../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import type { VectorStore } from '../../../lambdas/core/ports/vector-store.js';
import { measureCoverage } from '../../../lambdas/core/retrieval/passage-coverage.js';
import { queryVector } from '../../../lambdas/core/retrieval/sparse-vector.js';
import { contractPoint } from '../../contracts/vector-store-contract.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

let standIn: QdrantStandIn;
let dir: string;
beforeAll(async () => {
  standIn = await startQdrantStandIn({ logViolations: false });
  dir = await mkdtemp(join(tmpdir(), 'rag-test-dense-score-'));
});
afterAll(async () => {
  await standIn.close();
  await rm(dir, { recursive: true, force: true });
});

const X = [1, 0, 0, 0];
const points = [
  // The closest by meaning shares no word with the question...
  contractPoint('t', 'doc-dense', 0, [1, 0, 0, 0], 'zebra crossing'),
  // ...these two share its words and are close by meaning too (cosine 0.6 and 0.5).
  contractPoint('t', 'doc-lex-1', 0, [0.6, 0.8, 0, 0], 'upload file limits'),
  contractPoint('t', 'doc-lex-2', 0, [0.5, 0, Math.sqrt(0.75), 0], 'upload file size'),
];

const hybridTop2 = async (store: VectorStore) => {
  await store.upsert('t', points);
  return store.query('t', X, { limit: 2, lexical: queryVector('upload file') });
};

describe('ScoredChunk.denseScore in hybrid mode', () => {
  it("Qdrant reports the returned chunks' closeness as the embedded store does, when the best by meaning is not among them", async () => {
    // Arrange
    const qdrant = new QdrantVectorStore(
      new QdrantClient({ url: standIn.url, checkCompatibility: false }),
      { collection: 'rag-test-dense-score', dimensions: 4 },
    );
    const embedded = new EmbeddedVectorStore({ dimensions: 4, filePath: join(dir, 'v.ndjson') });

    // Act
    const fromEmbedded = await hybridTop2(embedded);
    const fromQdrant = await hybridTop2(qdrant);

    // Assert: both return the two passages that share the question's words...
    expect(fromEmbedded.map((chunk) => chunk.documentId)).toEqual(['doc-lex-1', 'doc-lex-2']);
    expect(fromQdrant.map((chunk) => chunk.documentId)).toEqual(['doc-lex-1', 'doc-lex-2']);
    // ...and the abstention rule's closeness must not depend on the store.
    const question = 'upload file limits';
    const closeness = (found: typeof fromQdrant) =>
      measureCoverage(question, found, 2).coverage.closeness;
    expect(closeness(fromEmbedded)).toBeCloseTo(0.6, 5);
    expect(closeness(fromQdrant)).toBeCloseTo(0.6, 5);
  });
});
