import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentRecord, DocumentStore } from '../ports/document-store.js';
import type { Embedder } from '../ports/embedder.js';
import type { IndexJob, JobQueue } from '../ports/job-queue.js';
import type { ChunkPoint, VectorStore } from '../ports/vector-store.js';
import { passageVector } from '../retrieval/sparse-vector.js';
import { runStepsWithin, TimeSlicer } from '../text/work-steps.js';
import { chunkId } from './chunk-id.js';
import { chunkSteps, type TextChunk } from './chunk-text.js';
import { textFormatOf } from './content-types.js';
import { embeddingBatches } from './embedding-batches.js';
import { extractTextSteps } from './extract-text.js';

/** Dependencies of {@link IndexDocument}. */
export interface IndexDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  embedder: Embedder;
  vectors: VectorStore;
  /** Used only to re-queue a newer version whose chunks a superseded run may have overwritten. */
  queue: JobQueue;
  clock: Clock;
  chunking: { maxTokens: number; overlapTokens: number };
  /** Points per vector store upsert request. */
  upsertBatchSize?: number;
  /**
   * Most CPU time, in ms, that reading and chunking one document's text may take (default
   * {@link DEFAULT_TEXT_CPU_BUDGET_MS}); a document that needs more fails with that reason.
   */
  textCpuBudgetMs?: number;
}

/**
 * Default CPU budget of one document's text processing: linear processing of the largest
 * upload takes well under a second, so only a document the scanners cannot bound reaches it.
 */
export const DEFAULT_TEXT_CPU_BUDGET_MS = 10_000;

/** What {@link IndexDocument.execute} did with a job. */
export type IndexOutcome =
  | { kind: 'indexed'; chunkCount: number; embeddingCalls: number }
  | { kind: 'skipped'; reason: string };

/** A job ready to embed: its version's record, now `indexing`, and the chunks of its text. */
export interface PreparedIndexJob {
  job: IndexJob;
  record: DocumentRecord;
  chunks: TextChunk[];
}

/** A job that needs no work (see {@link IndexOutcome}). */
export type SkippedIndexJob = Extract<IndexOutcome, { kind: 'skipped' }>;

/** Options of {@link IndexDocument.execute}. */
export interface IndexOptions {
  /** Which delivery of the job this is (SQS `ApproximateReceiveCount`), recorded on the document. */
  attempt?: number;
  /** Aborts the work (the Lambda deadline): embedding requests are cancelled. */
  signal?: AbortSignal;
}

/**
 * Use case: index one version of a document, as asked by an {@link IndexJob}.
 *
 * Loads the record (a job for a deleted document, or for a version older than the stored one,
 * is skipped), marks it `indexing`, loads and chunks the raw text, embeds the chunks in as few
 * requests as the embedder's limits allow, upserts them under deterministic ids (UUIDv5 of
 * `tenantId:documentId:chunkIndex`), deletes the chunks past the new count (left by a longer
 * earlier version) and marks the version `ready` with its chunk count. Running it again for
 * the same job overwrites the same points: redelivery is harmless.
 *
 * The text is read and chunked a few milliseconds at a time, taking turns with other work on
 * the thread, within a CPU budget (`textCpuBudgetMs`) and the deadline (`signal`): a document
 * that needs more fails with a reason that says so, like one that makes too many chunks.
 *
 * Failures propagate (the queue retries the message later rather than the function spinning
 * on a throttled upstream); nothing is written to the vector store before every chunk is
 * embedded, and the record never says `ready` for partial work. Marking the document `failed`
 * after the last attempt is the caller's decision: see {@link markFailed}.
 *
 * After storing, the `ready` transition re-checks the record: if the version was superseded
 * or the document deleted (or tombstoned `deleting`) while the run was in flight, the run
 * repairs what it may have overwritten: it re-queues the newer version, or removes every chunk
 * of the deleted document, so deleted text never stays searchable.
 *
 * @example
 * const outcome = await indexDocument.execute({ tenantId, documentId, version: 2 }, { attempt: 1 });
 * // { kind: 'indexed', chunkCount: 14, embeddingCalls: 1 }
 */
export class IndexDocument {
  constructor(private readonly deps: IndexDocumentDeps) {}

  async execute(job: IndexJob, options: IndexOptions = {}): Promise<IndexOutcome> {
    const prepared = await this.prepare(job, options);
    if (prepared.kind === 'skipped') return prepared;
    const { vectors, calls } = await this.#embed(prepared.value.chunks, options.signal);
    return this.finish(prepared.value, vectors, calls, options);
  }

  /**
   * The first half of {@link execute}: loads the record (skipping a deleted, deleting or
   * superseded version), marks the version `indexing` and chunks its raw text. A batch indexer
   * prepares several jobs, embeds all their chunks together, then {@link finish}es each.
   */
  async prepare(
    job: IndexJob,
    options: IndexOptions = {},
  ): Promise<SkippedIndexJob | { kind: 'prepared'; value: PreparedIndexJob }> {
    const { documents, clock } = this.deps;
    const { tenantId, documentId, version } = job;
    const record = await documents.get(tenantId, documentId);
    if (!record) return { kind: 'skipped', reason: 'the document was deleted' };
    if (record.status === 'deleting') {
      return { kind: 'skipped', reason: 'the document is being deleted' };
    }
    if (record.version > version) {
      return { kind: 'skipped', reason: `version ${version} is superseded by ${record.version}` };
    }
    if (record.version < version) {
      throw new Error(`Version ${version} is not stored; the document is at ${record.version}`);
    }
    options.signal?.throwIfAborted();
    const started = await documents.transition(tenantId, documentId, version, {
      status: 'indexing',
      attempts: options.attempt ?? 1,
      at: clock.now().toISOString(),
    });
    if (!started) return { kind: 'skipped', reason: `version ${version} was superseded` };
    const chunks = await this.#chunk(record, options.signal);
    return { kind: 'prepared', value: { job, record, chunks } };
  }

  /**
   * The second half of {@link execute}: stores the embedded chunks (one vector per chunk, in
   * order), removes those past the new count, and marks the version `ready`, repairing what
   * the run overwrote when the version was superseded or the document deleted meanwhile.
   */
  async finish(
    prepared: PreparedIndexJob,
    vectors: number[][],
    embeddingCalls: number,
    options: IndexOptions = {},
  ): Promise<IndexOutcome> {
    const { record, chunks, job } = prepared;
    if (vectors.length !== chunks.length) {
      throw new Error(`${vectors.length} vectors for ${chunks.length} chunks`);
    }
    options.signal?.throwIfAborted();
    await this.#store(record, chunks, vectors);
    options.signal?.throwIfAborted();
    const finished = await this.deps.documents.transition(
      job.tenantId,
      job.documentId,
      job.version,
      { status: 'ready', chunkCount: chunks.length, at: this.deps.clock.now().toISOString() },
    );
    if (!finished) return this.#repair(job);
    return { kind: 'indexed', chunkCount: chunks.length, embeddingCalls };
  }

  /**
   * Marks the job's version `failed` with a reason the client can read; does nothing when the
   * version is gone or superseded. Returns whether the record changed.
   */
  async markFailed(job: IndexJob, reason: string, attempts?: number): Promise<boolean> {
    return this.deps.documents.transition(job.tenantId, job.documentId, job.version, {
      status: 'failed',
      error: reason,
      ...(attempts !== undefined ? { attempts } : {}),
      at: this.deps.clock.now().toISOString(),
    });
  }

  /**
   * Reads and chunks the text a few milliseconds at a time, within the CPU budget and the
   * deadline, so that neither a hostile document nor a large one holds the thread.
   */
  async #chunk(record: DocumentRecord, signal?: AbortSignal): Promise<TextChunk[]> {
    const raw = await this.deps.blobs.get(record.blobKey);
    if (!raw) throw new Error(`The raw text of version ${record.version} is missing from storage`);
    const { chunking, textCpuBudgetMs } = this.deps;
    const format = textFormatOf(record.contentType);
    const steps = function* () {
      const text = yield* extractTextSteps(raw, record.contentType);
      return yield* chunkSteps(text, { ...chunking, format });
    };
    return runStepsWithin(steps(), {
      maxCpuMs: textCpuBudgetMs ?? DEFAULT_TEXT_CPU_BUDGET_MS,
      ...(signal ? { signal } : {}),
    });
  }

  async #embed(
    chunks: TextChunk[],
    signal?: AbortSignal,
  ): Promise<{ vectors: number[][]; calls: number }> {
    const batches = embeddingBatches(chunks, this.deps.embedder.limits, (chunk) => chunk.tokens);
    const vectors: number[][] = [];
    for (const batch of batches) {
      signal?.throwIfAborted();
      const result = await this.deps.embedder.embed(
        batch.map((chunk) => chunk.text),
        signal ? { signal } : {},
      );
      if (result.vectors.length !== batch.length) {
        throw new Error(
          `The embedder returned ${result.vectors.length} vectors for ${batch.length} inputs`,
        );
      }
      vectors.push(...result.vectors);
    }
    return { vectors, calls: batches.length };
  }

  async #store(record: DocumentRecord, chunks: TextChunk[], vectors: number[][]): Promise<void> {
    const { tenantId, documentId, version, title } = record;
    const pointOf = (chunk: TextChunk, position: number): ChunkPoint => ({
      id: chunkId(tenantId, documentId, chunk.index),
      vector: vectors[position]!,
      sparse: passageVector(chunk.text, chunk.headingPath),
      payload: { tenantId, documentId, version, title, chunkIndex: chunk.index, text: chunk.text },
    });
    const size = this.deps.upsertBatchSize ?? 128;
    const slicer = new TimeSlicer();
    for (let start = 0; start < chunks.length; start += size) {
      const batch = chunks
        .slice(start, start + size)
        .map((chunk, offset) => pointOf(chunk, start + offset));
      await this.deps.vectors.upsert(tenantId, batch);
      // An in-process store (the local stack's) upserts synchronously: let requests in between.
      await slicer.pause();
    }
    await this.deps.vectors.deleteDocumentChunks(tenantId, documentId, {
      fromChunkIndex: chunks.length,
    });
  }

  async #repair(job: IndexJob): Promise<IndexOutcome> {
    const current = await this.deps.documents.get(job.tenantId, job.documentId);
    if (!current || current.status === 'deleting') {
      await this.deps.vectors.deleteDocumentChunks(job.tenantId, job.documentId);
      return { kind: 'skipped', reason: 'the document was deleted while it was being indexed' };
    }
    if (current.version <= job.version) {
      return {
        kind: 'skipped',
        reason: `version ${job.version} changed while it was being indexed`,
      };
    }
    await this.deps.queue.enqueue({ ...job, version: current.version });
    return {
      kind: 'skipped',
      reason: `version ${job.version} was superseded by ${current.version} while it was being indexed; re-queued ${current.version}`,
    };
  }
}
