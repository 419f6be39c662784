import type { Embedder } from '../ports/embedder.js';
import type { IndexJob } from '../ports/job-queue.js';
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
 * Every job is prepared on its own (loaded, marked `indexing`, chunked); the chunks of all
 * prepared jobs are then packed, in order, into as few requests as the embedder's limits allow
 * (inputs and tokens per request) — a batch of more than `minInputsPerRequest` chunks spread
 * over up to `maxConcurrentRequests` requests — sent with bounded concurrency; each document is then stored
 * and marked `ready` on its own. Failures stay with the jobs they concern: a job that cannot
 * be prepared or stored fails alone, and when a request shared by several jobs fails, each
 * job's part is sent again on its own, so a document the provider refuses (or a throttle)
 * fails only the jobs whose own part failed; the queue retries those later.
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

    const { vectors, calls, failures } = await this.#embed(prepared, options.signal);
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
    return results;
  }

  /** Embeds every prepared job's chunks in shared requests; a failed request fails its owners. */
  async #embed(prepared: readonly (PreparedIndexJob | undefined)[], signal?: AbortSignal) {
    const vectors = prepared.map((value) => new Array<number[]>(value?.chunks.length ?? 0));
    const calls = new Map<number, number>();
    const failures = new Map<number, unknown>();
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
          await this.#send(request, vectors, signal);
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
    return { vectors, calls, failures };
  }

  /** Sends one request and puts each vector in its owner's place. */
  async #send(request: Slot[], vectors: number[][][], signal?: AbortSignal): Promise<void> {
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
    request.forEach((slot, index) => {
      vectors[slot.owner]![slot.position] = result.vectors[index]!;
    });
  }
}
