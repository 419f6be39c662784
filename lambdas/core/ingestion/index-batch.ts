import type { IndexedUsage } from '../limits/indexing-usage.js';
import type { Embedder } from '../ports/embedder.js';
import { type IndexJob, indexJobBody } from '../ports/job-queue.js';
import { embeddingBatches } from './embedding-batches.js';
import type { IndexDocument, IndexOutcome, PreparedIndexJob } from './index-document.js';

/** One job of a batch, with the delivery it is (SQS `ApproximateReceiveCount`). */
export interface BatchJob {
  job: IndexJob;
  attempt?: number;
}

/** What happened to one job of a batch: its outcome, or why it failed (failing it alone). */
export type BatchJobResult = IndexOutcome | { kind: 'failed'; error: unknown };

/** Dependencies of {@link IndexBatch}. */
export interface IndexBatchDeps {
  indexDocument: Pick<IndexDocument, 'prepare' | 'finish'>;
  embedder: Pick<Embedder, 'embed' | 'limits'>;
  /** Embedding requests of one batch in flight at once (default 4). */
  maxConcurrentRequests?: number;
  /**
   * Fewest inputs a request is cut down to so that a large batch's requests can run side by
   * side instead of one after another (default {@link MIN_SHARED_REQUEST_INPUTS}).
   */
  minInputsPerRequest?: number;
  /** Counts each tenant's indexing usage (documents, chunks, embedding tokens), when set. */
  usage?: { record(tenantId: string, usage: IndexedUsage): Promise<void> };
  /** Told when counting usage failed (the indexing itself stands). */
  onUsageError?: (error: unknown) => void;
}

/**
 * Default of {@link IndexBatchDeps.minInputsPerRequest}: LangChain.js's default embedding
 * batch, so a batch costs no more requests than that library would send for it.
 */
export const MIN_SHARED_REQUEST_INPUTS = 512;

interface Slot {
  owner: number;
  position: number;
  text: string;
  tokens: number;
}

/**
 * Use case: index the jobs of one queue batch together, so that the chunks of many small
 * documents share embedding requests instead of costing one request per document.
 *
 * A job delivered twice in the batch is done once and both deliveries get its result. Every
 * job is prepared on its own (loaded, marked `indexing`, chunked); the chunks of all
 * prepared jobs are then packed, in order, into as few requests as the embedder's limits allow
 * (inputs and tokens per request) — a batch of more than `minInputsPerRequest` chunks spread
 * over up to `maxConcurrentRequests` requests — sent with bounded concurrency; each document is then stored
 * and marked `ready` on its own. Failures stay with the jobs they concern: a job that cannot
 * be prepared or stored fails alone, and when a request shared by several jobs fails, each
 * job's part is sent again on its own, so a document the provider refuses (or a throttle)
 * fails only the jobs whose own part failed; the queue retries those later.
 *
 * The embedding tokens each request used, as the API reports them, are shared among the jobs
 * in it by their chunks' estimated tokens; each tenant's documents indexed, chunks stored and
 * embedding tokens (of requests that succeeded) are counted once per batch (`usage`).
 *
 * @example
 * const results = await indexBatch.execute([{ job, attempt: 1 }, { job: other, attempt: 2 }]);
 * // [{ kind: 'indexed', chunkCount: 4, embeddingCalls: 1 }, { kind: 'failed', error }]
 */
export class IndexBatch {
  constructor(private readonly deps: IndexBatchDeps) {}

  async execute(
    jobs: readonly BatchJob[],
    options: { signal?: AbortSignal } = {},
  ): Promise<BatchJobResult[]> {
    // The same job twice in a batch (an SQS duplicate, a repeated S3 event) is done once, as its
    // latest delivery, and both get its result: it was embedded and counted twice.
    const unique: BatchJob[] = [];
    const uniqueIndex = new Map<string, number>();
    const slots = jobs.map((batchJob) => {
      const key = JSON.stringify(indexJobBody(batchJob.job));
      const seen = uniqueIndex.get(key);
      if (seen === undefined) {
        uniqueIndex.set(key, unique.length);
        unique.push(batchJob);
        return unique.length - 1;
      }
      if ((batchJob.attempt ?? 1) > (unique[seen]!.attempt ?? 1)) unique[seen] = batchJob;
      return seen;
    });
    const results = await this.#executeUnique(unique, options);
    return slots.map((slot) => results[slot]!);
  }

  async #executeUnique(
    jobs: readonly BatchJob[],
    options: { signal?: AbortSignal },
  ): Promise<BatchJobResult[]> {
    const { indexDocument } = this.deps;
    const results: BatchJobResult[] = new Array(jobs.length);
    const prepared: (PreparedIndexJob | undefined)[] = await Promise.all(
      jobs.map(async ({ job, attempt }, index) => {
        try {
          const outcome = await indexDocument.prepare(job, {
            ...(attempt === undefined ? {} : { attempt }),
            ...(options.signal ? { signal: options.signal } : {}),
          });
          if (outcome.kind === 'prepared') return outcome.value;
          results[index] = outcome;
        } catch (error) {
          results[index] = { kind: 'failed', error };
        }
        return undefined;
      }),
    );

    const { vectors, calls, failures, embeddingTokens } = await this.#embed(
      prepared,
      options.signal,
    );
    await Promise.all(
      prepared.map(async (value, index) => {
        if (value === undefined) return;
        const failure = failures.get(index);
        if (failure !== undefined) {
          results[index] = { kind: 'failed', error: failure };
          return;
        }
        try {
          results[index] = await indexDocument.finish(
            value,
            vectors[index]!,
            calls.get(index) ?? 0,
            {
              ...(options.signal ? { signal: options.signal } : {}),
            },
          );
        } catch (error) {
          results[index] = { kind: 'failed', error };
        }
      }),
    );
    await this.#recordUsage(jobs, results, embeddingTokens);
    return results;
  }

  /** Counts each tenant's indexed documents, their chunks and the batch's embedding tokens. */
  async #recordUsage(
    jobs: readonly BatchJob[],
    results: readonly BatchJobResult[],
    embeddingTokens: ReadonlyMap<number, number>,
  ): Promise<void> {
    if (!this.deps.usage) return;
    const perTenant = new Map<string, IndexedUsage>();
    jobs.forEach(({ job }, index) => {
      const result = results[index];
      const indexed = result?.kind === 'indexed' ? result : undefined;
      const tokens = embeddingTokens.get(index) ?? 0;
      if (!indexed && tokens === 0) return;
      const usage = perTenant.get(job.tenantId) ?? { documents: 0, chunks: 0, embeddingTokens: 0 };
      // A version split into parts counts once, with its last part.
      usage.documents += indexed && !indexed.partial ? 1 : 0;
      usage.chunks += indexed?.chunkCount ?? 0;
      usage.embeddingTokens += tokens;
      perTenant.set(job.tenantId, usage);
    });
    await Promise.all(
      [...perTenant].map(([tenantId, usage]) =>
        this.deps
          .usage!.record(tenantId, {
            ...usage,
            embeddingTokens: Math.round(usage.embeddingTokens),
          })
          .catch((error: unknown) => this.deps.onUsageError?.(error)),
      ),
    );
  }

  /** Embeds every prepared job's chunks in shared requests; a failed request fails its owners. */
  async #embed(prepared: readonly (PreparedIndexJob | undefined)[], signal?: AbortSignal) {
    const vectors = prepared.map((value) => new Array<number[]>(value?.chunks.length ?? 0));
    const calls = new Map<number, number>();
    const failures = new Map<number, unknown>();
    const embeddingTokens = new Map<number, number>();
    const slots: Slot[] = prepared.flatMap(
      (value, owner) =>
        value?.chunks.map((chunk, position) => ({
          owner,
          position,
          text: chunk.text,
          tokens: chunk.tokens,
        })) ?? [],
    );
    const concurrency = Math.max(1, this.deps.maxConcurrentRequests ?? 4);
    const { limits } = this.deps.embedder;
    // A batch larger than one request's worth of the minimum is spread over the requests that
    // may run at once: one 1 000-input request waits for all its vectors, two of 500 do not.
    const spread = Math.max(
      this.deps.minInputsPerRequest ?? MIN_SHARED_REQUEST_INPUTS,
      Math.ceil(slots.length / concurrency),
    );
    const requests = embeddingBatches(
      slots,
      { ...limits, maxInputsPerRequest: Math.min(limits.maxInputsPerRequest, spread) },
      (slot) => slot.tokens,
    );
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next]!;
        next += 1;
        const owners = new Set(request.map((slot) => slot.owner));
        for (const owner of owners) calls.set(owner, (calls.get(owner) ?? 0) + 1);
        if ([...owners].every((owner) => failures.has(owner))) continue;
        try {
          await this.#send(request, vectors, embeddingTokens, signal);
        } catch (error) {
          if (owners.size === 1) {
            for (const owner of owners) if (!failures.has(owner)) failures.set(owner, error);
            continue;
          }
          for (const owner of owners) {
            if (failures.has(owner)) continue;
            calls.set(owner, (calls.get(owner) ?? 0) + 1);
            try {
              await this.#send(
                request.filter((slot) => slot.owner === owner),
                vectors,
                embeddingTokens,
                signal,
              );
            } catch (ownError) {
              failures.set(owner, ownError);
            }
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return { vectors, calls, failures, embeddingTokens };
  }

  /**
   * Sends one request, puts each vector in its owner's place and shares the tokens the API
   * reports among the owners by their slots' estimated tokens.
   */
  async #send(
    request: Slot[],
    vectors: number[][][],
    embeddingTokens: Map<number, number>,
    signal?: AbortSignal,
  ): Promise<void> {
    signal?.throwIfAborted();
    const result = await this.deps.embedder.embed(
      request.map((slot) => slot.text),
      signal ? { signal } : {},
    );
    if (result.vectors.length !== request.length) {
      throw new Error(
        `The embedder returned ${result.vectors.length} vectors for ${request.length} inputs`,
      );
    }
    const estimated = request.reduce((sum, slot) => sum + slot.tokens, 0);
    request.forEach((slot, index) => {
      vectors[slot.owner]![slot.position] = result.vectors[index]!;
      const share =
        estimated > 0
          ? (result.promptTokens * slot.tokens) / estimated
          : result.promptTokens / request.length;
      embeddingTokens.set(slot.owner, (embeddingTokens.get(slot.owner) ?? 0) + share);
    });
  }
}
