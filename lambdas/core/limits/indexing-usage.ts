import type { UsageMeter } from '../ports/usage-meter.js';
import { DAILY_CHUNKS, DAILY_DOCUMENTS, EMBEDDING_TOKENS } from './tenant-limiter.js';

/** What indexing used for one tenant. */
export interface IndexedUsage {
  /** Documents indexed. */
  documents: number;
  /** Chunks stored. */
  chunks: number;
  /** Tokens of the embeddings, as the embedding API reported them. */
  embeddingTokens: number;
}

/**
 * Counts what indexing used per tenant on the day's usage counters (read by `GET /v1/usage`):
 * documents indexed, chunks stored, embedding tokens. The indexer calls it once per tenant
 * of a batch, off any request's path; embedding tokens are not part of the daily budget.
 *
 * @example
 * await new IndexingUsage(meter).record('acme', { documents: 2, chunks: 31, embeddingTokens: 9_800 });
 */
export class IndexingUsage {
  constructor(private readonly meter: Pick<UsageMeter, 'add'>) {}

  async record(tenantId: string, usage: IndexedUsage): Promise<void> {
    const counts = [
      [DAILY_DOCUMENTS, usage.documents],
      [DAILY_CHUNKS, usage.chunks],
      [EMBEDDING_TOKENS, usage.embeddingTokens],
    ] as const;
    await Promise.all(
      counts
        .filter(([, amount]) => amount > 0)
        .map(([counter, amount]) => this.meter.add(tenantId, counter, amount)),
    );
  }
}
