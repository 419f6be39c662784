import {
  type ChunkPage,
  type ChunkPoint,
  firstChunks,
  type ScoredChunk,
  type StoredChunk,
  type VectorQuery,
  type VectorStore,
} from '../../../lambdas/core/ports/vector-store.js';

const cosine = (a: number[], b: number[]): number => {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i += 1) {
    dot += a[i]! * (b[i] ?? 0);
    normA += a[i]! ** 2;
    normB += (b[i] ?? 0) ** 2;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
};

/**
 * A {@link VectorStore} in memory: points by id, every read filtered by tenant, exact cosine
 * search. Counts upserts and can be told to fail the next upserts or deletions.
 */
export class FakeVectorStore implements VectorStore {
  readonly points = new Map<string, ChunkPoint>();
  upsertCalls = 0;
  /** Errors thrown, in order, by the next `upsert` calls. */
  readonly upsertFailures: Error[] = [];
  /** Errors thrown, in order, by the next `deleteDocumentChunks` calls. */
  readonly deleteFailures: Error[] = [];

  async ensureReady(): Promise<void> {}

  async upsert(tenantId: string, points: ChunkPoint[]): Promise<void> {
    this.upsertCalls += 1;
    const failure = this.upsertFailures.shift();
    if (failure) throw failure;
    for (const point of points) {
      if (point.payload.tenantId !== tenantId) throw new Error('point of another tenant');
      this.points.set(point.id, structuredClone(point));
    }
  }

  async query(tenantId: string, vector: number[], options: VectorQuery): Promise<ScoredChunk[]> {
    return [...this.points.values()]
      .filter((point) => point.payload.tenantId === tenantId)
      .map((point) => {
        const score = cosine(vector, point.vector);
        return {
          documentId: point.payload.documentId,
          title: point.payload.title,
          chunkIndex: point.payload.chunkIndex,
          text: point.payload.text,
          score,
          denseScore: score,
          ...(point.payload.page === undefined ? {} : { page: point.payload.page }),
        };
      })
      .filter(
        (chunk) => options.scoreThreshold === undefined || chunk.score >= options.scoreThreshold,
      )
      .sort((a, b) => b.score - a.score)
      .slice(0, options.limit);
  }

  async deleteDocumentChunks(
    tenantId: string,
    documentId: string,
    options: { fromChunkIndex?: number } = {},
  ): Promise<void> {
    const failure = this.deleteFailures.shift();
    if (failure) throw failure;
    for (const [id, { payload }] of this.points) {
      if (
        payload.tenantId === tenantId &&
        payload.documentId === documentId &&
        payload.chunkIndex >= (options.fromChunkIndex ?? 0)
      ) {
        this.points.delete(id);
      }
    }
  }

  async count(tenantId: string, documentId?: string): Promise<number> {
    return this.pointsOf(tenantId, documentId).length;
  }

  async ping(): Promise<void> {}

  /** The tenant's points (of one document), ordered by document then chunk index. */
  pointsOf(tenantId: string, documentId?: string): ChunkPoint[] {
    return [...this.points.values()]
      .filter(
        ({ payload }) =>
          payload.tenantId === tenantId && (!documentId || payload.documentId === documentId),
      )
      .sort(
        (a, b) =>
          a.payload.documentId.localeCompare(b.payload.documentId) ||
          a.payload.chunkIndex - b.payload.chunkIndex,
      );
  }

  async listDocumentChunks(
    tenantId: string,
    documentId: string,
    page: ChunkPage,
  ): Promise<StoredChunk[]> {
    return firstChunks(
      this.pointsOf(tenantId, documentId)
        .map(({ payload: { chunkIndex, version, text } }) => ({ chunkIndex, version, text }))
        .filter(
          ({ chunkIndex }) => chunkIndex >= page.offset && chunkIndex < page.offset + page.limit,
        ),
      page.limit,
    );
  }
}
