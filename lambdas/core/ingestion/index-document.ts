import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import {
  type DocumentRecord,
  type DocumentStore,
  STARTABLE_STATUSES,
} from '../ports/document-store.js';
import type { Embedder } from '../ports/embedder.js';
import type { IndexJob, IndexPart, JobQueue } from '../ports/job-queue.js';
import type { ChunkPoint, VectorStore } from '../ports/vector-store.js';
import { HttpProblem } from '../problem.js';
import { passageVector } from '../retrieval/sparse-vector.js';
import {
  runStepsWithin,
  type Steps,
  TimeSlicer,
  WorkBudgetExceededError,
} from '../text/work-steps.js';
import { chunkId } from './chunk-id.js';
import { pagedChunkSteps } from './chunk-pages.js';
import { chunkSteps, type TextChunk, TooManyChunksError } from './chunk-text.js';
import { isPaged, textFormatOf } from './content-types.js';
import { embeddingBatches } from './embedding-batches.js';
import { type ExtractedPage, type ExtractionReaders, extractDocument } from './extract-document.js';
import { extractTextSteps } from './extract-text.js';
import { decodePages } from './stored-pages.js';

/** Dependencies of {@link IndexDocument}. */
export interface IndexDocumentDeps {
  documents: DocumentStore;
  blobs: BlobStore;
  embedder: Embedder;
  vectors: VectorStore;
  /**
   * Sends the parts of a large version, and re-queues a newer version whose chunks a
   * superseded run may have overwritten.
   */
  queue: JobQueue;
  /** Reads a PDF that arrived without its page texts (an object put straight into the bucket). */
  readers: ExtractionReaders;
  /**
   * Most chunks one job embeds: a version with more is split into parts of at most this many
   * chunks, each its own message (default {@link DEFAULT_PART_CHUNKS}).
   */
  partChunks?: number;
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

/**
 * Default part size: a few embedding requests' worth of chunks, so that each part takes
 * seconds and the parts of a long PDF run side by side in as many indexer invocations.
 */
export const DEFAULT_PART_CHUNKS = 256;

/** Versions whose chunks an indexer keeps for their parts (each about the size of its text). */
const PART_CHUNK_CACHE_VERSIONS = 2;

/** What {@link IndexDocument.execute} did with a job. */
export type IndexOutcome =
  | {
      kind: 'indexed';
      /** Chunks this job stored (a part's own, for a part). */
      chunkCount: number;
      embeddingCalls: number;
      /** Set for a part after which other parts of its version are still to be done. */
      partial?: true;
    }
  | { kind: 'split'; parts: number; chunkCount: number }
  | { kind: 'rejected'; reason: string }
  | { kind: 'skipped'; reason: string };

/**
 * A job ready to embed: its version's record, now `indexing`, and the chunks it indexes (all
 * of the text's, or a part's range of them), of `totalChunks` the text makes.
 */
export interface PreparedIndexJob {
  job: IndexJob;
  record: DocumentRecord;
  chunks: TextChunk[];
  totalChunks: number;
}

/**
 * A job that needs no embedding (see {@link IndexOutcome}): skipped, split into parts, or
 * rejected (its document cannot be indexed: the version is marked `failed` with the reason).
 */
export type SkippedIndexJob = Exclude<IndexOutcome, { kind: 'indexed' }>;

/** A job left alone, and why. */
type Skipped = Extract<IndexOutcome, { kind: 'skipped' }>;

const DELETED: Skipped = { kind: 'skipped', reason: 'the document was deleted' };

/**
 * Why `job` cannot run on the stored `record`: it is gone or being deleted, or a newer version
 * is stored (skipped); a version not stored yet throws, for the queue to try again. Undefined
 * when the job's version is the stored one.
 */
const whyNotIndexable = (
  job: IndexJob,
  record: DocumentRecord | undefined,
): Skipped | undefined => {
  if (!record) return DELETED;
  if (record.status === 'deleting') {
    return { kind: 'skipped', reason: 'the document is being deleted' };
  }
  if (record.version > job.version) {
    return { kind: 'skipped', reason: `version ${job.version} is superseded by ${record.version}` };
  }
  if (record.version < job.version) {
    throw new Error(`Version ${job.version} is not stored; the document is at ${record.version}`);
  }
  return undefined;
};

/** Why a version whose text makes no chunk is failed. */
const NO_TEXT = 'The document holds no text to index';

/** A document whose text cannot be read: indexing it again would fail the same way. */
class UnindexableDocument extends Error {}

/**
 * What the text's processing threw, as an {@link UnindexableDocument} when the cause is the
 * document's own: bytes that are not text, too many chunks, more CPU time than the budget. The
 * deadline (the signal's reason) and anything else stay as they are, for the queue to retry.
 */
const asUnindexable = (error: unknown): unknown => {
  if (error instanceof TooManyChunksError || error instanceof WorkBudgetExceededError) {
    return new UnindexableDocument(error.message);
  }
  // Bytes that are not text (a presigned upload is read only here) stay so.
  if (error instanceof HttpProblem && error.status < 500) {
    return new UnindexableDocument(error.detail);
  }
  return error;
};

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
 * Marks the version `indexing` if it is the stored one, reading the record back in the same
 * call (a job for a deleted document, or for a version older than the stored one, is
 * skipped), loads and chunks the raw text, embeds the chunks in as few
 * requests as the embedder's limits allow, upserts them under deterministic ids (UUIDv5 of
 * `tenantId:documentId:chunkIndex`), deletes the chunks past the new count (left by a longer
 * earlier version) and marks the version `ready` with its chunk count. Running it again for
 * the same job overwrites the same points: redelivery is harmless.
 *
 * A PDF's chunks are made page by page (`pagedChunkSteps`) from the page texts the upload
 * stored, so every chunk carries its `page`; a PDF stored without them is read here, and one
 * that cannot be read (encrypted, image-only, malformed) is marked `failed` at once with the
 * reason (`rejected`), not retried.
 *
 * **Parts.** A version of more than `partChunks` chunks is not embedded by the job that
 * chunked it: that job records a split (`startParts`) and sends one message per part (chunks
 * `[fromChunk, toChunk)`), which indexers take in parallel. A part re-chunks the text (the
 * same text always gives the same chunks), embeds and stores its range, and counts itself done
 * on the record (`completePart`: atomic, once per part, only while the version is current and
 * `indexing`); the part that completes the count removes stale chunks past the new total and
 * marks the version `ready`. A part that fails for good fails the version (see
 * {@link markFailed}), after which no part counts.
 *
 * The text is read and chunked a few milliseconds at a time, taking turns with other work on
 * the thread, within a CPU budget (`textCpuBudgetMs`) and the deadline (`signal`). A document
 * that needs more CPU time, or makes more than `MAX_CHUNKS_PER_DOCUMENT` chunks, is marked
 * `failed` at once with a reason that says so (`rejected`): the same text would fail the same
 * way on every delivery. The deadline is the invocation's, not the document's: it throws, and
 * the queue tries again.
 *
 * Failures propagate (the queue retries the message later rather than the function spinning
 * on a throttled upstream); nothing is written to the vector store before every chunk is
 * embedded, and the record never says `ready` for partial work. Marking the document `failed`
 * after the last attempt is the caller's decision: see {@link markFailed}.
 *
 * After storing, the `ready` transition re-checks the record: if the version was superseded
 * or the document deleted (or tombstoned `deleting`) while the run was in flight, the run
 * repairs what it may have overwritten: it re-queues the newer version, or removes every chunk
 * of the deleted document, so deleted text never stays searchable (answers never cite it
 * meanwhile: they read the record, see `LiveDocuments`). A redelivered job that finds
 * the document deleted or superseded repairs the same way, in case its earlier run stored its
 * chunks and stopped before repairing.
 *
 * @example
 * const outcome = await indexDocument.execute({ tenantId, documentId, version: 2 }, { attempt: 1 });
 * // { kind: 'indexed', chunkCount: 14, embeddingCalls: 1 }
 */
export class IndexDocument {
  /**
   * The chunks of the versions whose parts ran last, by version: the parts of one version
   * that arrive in the same batch (or container) chunk its text once. A version's text never
   * changes, so an entry cannot go stale; a failed chunking is not kept.
   */
  readonly #partChunks = new Map<string, Promise<TextChunk[]>>();

  constructor(private readonly deps: IndexDocumentDeps) {}

  async execute(job: IndexJob, options: IndexOptions = {}): Promise<IndexOutcome> {
    const prepared = await this.prepare(job, options);
    if (prepared.kind !== 'prepared') return prepared;
    const { vectors, calls } = await this.#embed(prepared.value.chunks, options.signal);
    return this.finish(prepared.value, vectors, calls, options);
  }

  /**
   * The first half of {@link execute}: marks the version `indexing` and reads its record back
   * (skipping a deleted, deleting or superseded version) and chunks its raw text. A batch indexer
   * prepares several jobs, embeds all their chunks together, then {@link finish}es each.
   */
  async prepare(
    job: IndexJob,
    options: IndexOptions = {},
  ): Promise<SkippedIndexJob | { kind: 'prepared'; value: PreparedIndexJob }> {
    const { documents, clock } = this.deps;
    const { tenantId, documentId, version } = job;
    if (job.part) {
      const record = await documents.get(tenantId, documentId);
      const skipped = whyNotIndexable(job, record);
      if (skipped || !record) return this.#skip(job, record, skipped ?? DELETED, options.attempt);
      return this.#preparePart(job, job.part, record, options.signal);
    }
    options.signal?.throwIfAborted();
    // One conditional write both checks the version and marks it; only a refusal costs a read.
    const record = await documents.startIndexing(tenantId, documentId, version, {
      attempts: options.attempt ?? 1,
      at: clock.now().toISOString(),
    });
    if (!record) {
      const current = await documents.get(tenantId, documentId);
      const skipped = whyNotIndexable(job, current);
      if (skipped) return this.#skip(job, current, skipped, options.attempt);
      // A second job for a version indexed, failed or still awaiting its upload changes nothing:
      // it was taking a ready version back to indexing, and on failing, to failed.
      if (current && current.version === version) {
        return { kind: 'skipped', reason: `version ${version} is ${current.status}` };
      }
      return { kind: 'skipped', reason: `version ${version} was superseded` };
    }
    let chunks: TextChunk[];
    try {
      chunks = await this.#chunk(record, options.signal);
    } catch (error) {
      if (!(error instanceof UnindexableDocument)) throw error;
      await this.markFailed(job, error.message, options.attempt);
      return { kind: 'rejected', reason: error.message };
    }
    const partChunks = this.deps.partChunks ?? DEFAULT_PART_CHUNKS;
    if (chunks.length <= partChunks) {
      return { kind: 'prepared', value: { job, record, chunks, totalChunks: chunks.length } };
    }
    return this.#split(job, chunks.length, partChunks);
  }

  /**
   * Records the split of a large version and sends its parts. A failure to send one fails the
   * job, so the queue runs it again: the split restarts from no part done, and parts already
   * stored are stored again (same ids).
   */
  async #split(job: IndexJob, total: number, partChunks: number): Promise<SkippedIndexJob> {
    const count = Math.ceil(total / partChunks);
    const { tenantId, documentId, version } = job;
    const at = this.deps.clock.now().toISOString();
    const started = await this.deps.documents.startParts(tenantId, documentId, version, count, at);
    if (!started) return { kind: 'skipped', reason: `version ${version} was superseded` };
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        this.deps.queue.enqueue({
          tenantId,
          documentId,
          version,
          part: {
            index,
            count,
            fromChunk: index * partChunks,
            toChunk: Math.min(total, (index + 1) * partChunks),
            chunks: total,
          },
        }),
      ),
    );
    return { kind: 'split', parts: count, chunkCount: total };
  }

  /** Chunks a part's version and keeps the part's range, if the version still expects it. */
  async #preparePart(
    job: IndexJob,
    part: IndexPart,
    record: DocumentRecord,
    signal?: AbortSignal,
  ): Promise<SkippedIndexJob | { kind: 'prepared'; value: PreparedIndexJob }> {
    if (record.status !== 'indexing' || record.parts !== part.count) {
      return {
        kind: 'skipped',
        reason: `part ${part.index + 1} of ${part.count} is not expected: version ${record.version} is ${record.status}`,
      };
    }
    signal?.throwIfAborted();
    let all: TextChunk[];
    try {
      all = await this.#chunksOfParts(record, signal);
    } catch (error) {
      // Its text ran past the CPU budget this time (the version's first job chunked it within).
      if (!(error instanceof UnindexableDocument)) throw error;
      await this.markFailed(job, error.message);
      return { kind: 'rejected', reason: error.message };
    }
    // The chunking changed since the split (a deploy with other chunk sizes): the parts' ranges
    // no longer cover the text, and counting them would mark the version ready with chunks
    // missing. An older message without `chunks` is checked by its last part's end.
    const expected = part.chunks ?? (part.index === part.count - 1 ? part.toChunk : undefined);
    if (part.toChunk > all.length || (expected !== undefined && expected !== all.length)) {
      const reason =
        `The chunking changed while version ${record.version} was indexed in parts ` +
        `(${expected ?? `at least ${part.toChunk}`} chunks then, ${all.length} now); upload it again or run npm run reindex`;
      await this.markFailed(job, reason);
      return { kind: 'rejected', reason };
    }
    return {
      kind: 'prepared',
      value: {
        job,
        record,
        chunks: all.slice(part.fromChunk, part.toChunk),
        totalChunks: all.length,
      },
    };
  }

  /**
   * The second half of {@link execute}: stores the embedded chunks (one vector per chunk, in
   * order), removes those past the new count, and marks the version `ready`, repairing what
   * the run overwrote when the version was superseded or the document deleted meanwhile. A
   * part counts itself done instead; the part that completes the count finishes the version.
   */
  async finish(
    prepared: PreparedIndexJob,
    vectors: number[][],
    embeddingCalls: number,
    options: IndexOptions = {},
  ): Promise<IndexOutcome> {
    const { record, chunks, job, totalChunks } = prepared;
    if (vectors.length !== chunks.length) {
      throw new Error(`${vectors.length} vectors for ${chunks.length} chunks`);
    }
    options.signal?.throwIfAborted();
    await this.#store(record, chunks, vectors);
    options.signal?.throwIfAborted();
    const { documents, clock } = this.deps;
    if (job.part) {
      const split = { part: job.part.index, parts: job.part.count };
      const progress = await documents.completePart(
        job.tenantId,
        job.documentId,
        job.version,
        split,
        clock.now().toISOString(),
      );
      if (!progress) return this.#repair(job);
      if (progress.done < progress.parts) {
        return { kind: 'indexed', chunkCount: chunks.length, embeddingCalls, partial: true };
      }
    }
    await this.deps.vectors.deleteDocumentChunks(job.tenantId, job.documentId, {
      fromChunkIndex: totalChunks,
    });
    // Only from this run's own start: a repair that found this run's chunks overwritten (an
    // older version's run stored over them) queued the version again, and that run must not
    // then mark it ready. A part's run checks the status alone (the parts move `updatedAt`).
    const finished = await documents.transition(job.tenantId, job.documentId, job.version, {
      status: 'ready',
      chunkCount: totalChunks,
      at: clock.now().toISOString(),
      ifStatus: 'indexing',
      ...(job.part ? {} : { ifUpdatedAt: record.updatedAt }),
    });
    if (!finished) return this.#repair(job);
    return { kind: 'indexed', chunkCount: chunks.length, embeddingCalls };
  }

  /**
   * Marks the job's version `failed` with a reason the client can read; does nothing when the
   * version is gone, superseded, or no longer `queued` or `indexing`. Returns whether the record
   * changed.
   */
  async markFailed(job: IndexJob, reason: string, attempts?: number): Promise<boolean> {
    return this.deps.documents.transition(job.tenantId, job.documentId, job.version, {
      status: 'failed',
      // A version already ready (a duplicate job failed) or failed keeps what it shows.
      ifStatus: STARTABLE_STATUSES,
      error: reason,
      ...(attempts !== undefined ? { attempts } : {}),
      at: this.deps.clock.now().toISOString(),
    });
  }

  /**
   * The job's last receive failed: marks its version `failed` ({@link markFailed}) and, when
   * the version is no longer the job's to mark (its document deleted meanwhile, or a newer
   * version stored), undoes what the failed run may have stored, since no redelivery will:
   * chunks written after a deletion would otherwise stay searchable, for good. Returns whether
   * the version was marked.
   */
  async giveUp(job: IndexJob, reason: string, attempts?: number): Promise<boolean> {
    if (await this.markFailed(job, reason, attempts)) return true;
    const current = await this.deps.documents.get(job.tenantId, job.documentId);
    await this.#repairFor(job, current);
    return false;
  }

  /** {@link #chunk} shared by the parts of a version (see {@link #partChunks}). */
  #chunksOfParts(record: DocumentRecord, signal?: AbortSignal): Promise<TextChunk[]> {
    const key = `${record.tenantId}\u0000${record.documentId}\u0000${record.version}`;
    const cached = this.#partChunks.get(key);
    if (cached) return cached;
    const chunks = this.#chunk(record, signal);
    chunks.catch(() => this.#partChunks.delete(key));
    this.#partChunks.set(key, chunks);
    for (const old of this.#partChunks.keys()) {
      if (this.#partChunks.size <= PART_CHUNK_CACHE_VERSIONS) break;
      this.#partChunks.delete(old);
    }
    return chunks;
  }

  /**
   * Reads and chunks the text a few milliseconds at a time, within the CPU budget and the
   * deadline, so that neither a hostile document nor a large one holds the thread.
   */
  async #chunk(record: DocumentRecord, signal?: AbortSignal): Promise<TextChunk[]> {
    const { chunking, textCpuBudgetMs } = this.deps;
    const budget = {
      maxCpuMs: textCpuBudgetMs ?? DEFAULT_TEXT_CPU_BUDGET_MS,
      ...(signal ? { signal } : {}),
    };
    let steps: Steps<TextChunk[]>;
    if (isPaged(record.contentType)) {
      const pages = await this.#pages(record, signal);
      steps = pagedChunkSteps(pages, chunking);
    } else {
      const raw = await this.deps.blobs.get(record.blobKey);
      if (!raw) {
        throw new Error(`The raw text of version ${record.version} is missing from storage`);
      }
      const format = textFormatOf(record.contentType);
      const references =
        record.contentType === 'text/html'
          ? await this.deps.readers.htmlReferences.load()
          : undefined;
      steps = (function* () {
        const text = yield* extractTextSteps(raw, record.contentType, references);
        return yield* chunkSteps(text, { ...chunking, format });
      })();
    }
    const chunks = await runStepsWithin(steps, budget).catch((error: unknown) => {
      throw asUnindexable(error);
    });
    // Headings alone, a rule, markup: nothing a question could find.
    if (chunks.length === 0) throw new UnindexableDocument(NO_TEXT);
    return chunks;
  }

  /**
   * A paged version's page texts: those the upload stored beside it, or, for a file that came
   * without them, read from the raw upload here.
   *
   * @throws UnindexableDocument when the file cannot be read (encrypted, image-only, malformed).
   */
  async #pages(record: DocumentRecord, signal?: AbortSignal): Promise<ExtractedPage[]> {
    const stored = record.textKey ? await this.deps.blobs.get(record.textKey) : undefined;
    if (stored) return decodePages(stored);
    const raw = await this.deps.blobs.get(record.blobKey);
    if (!raw)
      throw new Error(`The raw upload of version ${record.version} is missing from storage`);
    const extracted = await extractDocument(
      { bytes: raw, contentType: record.contentType },
      this.deps.readers,
      signal ? { signal } : {},
    );
    if (!extracted.ok) throw new UnindexableDocument(extracted.detail);
    return extracted.pages ?? [];
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
      payload: {
        tenantId,
        documentId,
        version,
        title,
        chunkIndex: chunk.index,
        text: chunk.text,
        ...(chunk.page === undefined ? {} : { page: chunk.page }),
      },
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
  }

  /**
   * A job that finds its document gone or being deleted, or a newer version stored. The first
   * delivery has stored nothing, so it is skipped. A redelivery may follow a run of the same job
   * that stored its chunks and stopped before its own repair (the deadline, a failed write, a
   * failed re-queue): it repairs as that run would have, or the deleted text would stay
   * searchable and a newer version could keep this one's text under `ready` for good.
   */
  async #skip(
    job: IndexJob,
    current: DocumentRecord | undefined,
    skipped: Skipped,
    attempt = 1,
  ): Promise<Skipped> {
    if (attempt <= 1) return skipped;
    const repaired = await this.#repairFor(job, current);
    return repaired ? { kind: 'skipped', reason: `${skipped.reason}; ${repaired}` } : skipped;
  }

  async #repair(job: IndexJob): Promise<Skipped> {
    const current = await this.deps.documents.get(job.tenantId, job.documentId);
    const repaired = await this.#repairFor(job, current);
    return {
      kind: 'skipped',
      reason: repaired
        ? `the document changed while version ${job.version} was being indexed: ${repaired}`
        : `version ${job.version} changed while it was being indexed`,
    };
  }

  /**
   * Undoes what a run of `job` may have stored, given the document's `current` record: every
   * chunk of a deleted (or deleting) document is removed; a newer version is queued again as a
   * whole (not as the job's part), since the run may have overwritten its chunks. Says what it
   * did, or nothing when the job's version is still the stored one.
   */
  async #repairFor(
    job: IndexJob,
    current: DocumentRecord | undefined,
  ): Promise<string | undefined> {
    const { tenantId, documentId } = job;
    if (!current || current.status === 'deleting') {
      await this.deps.vectors.deleteDocumentChunks(tenantId, documentId);
      return 'removed its chunks';
    }
    if (current.version <= job.version) return undefined;
    // Its file's arrival queues a version still awaiting its upload.
    if (current.status === 'awaiting-upload') return undefined;
    // The version is indexed again from `queued`, as every job's version is: its chunks may have
    // been overwritten by this run. One `indexing` goes back to `queued` too, so that its own
    // run, which may have stored before this one, cannot mark it ready. Changed meanwhile, it is
    // left to that change.
    if (current.status !== 'queued') {
      const queued = await this.deps.documents.transition(tenantId, documentId, current.version, {
        status: 'queued',
        at: this.deps.clock.now().toISOString(),
        ifUpdatedAt: current.updatedAt,
      });
      if (!queued) return undefined;
    }
    await this.deps.queue.enqueue({ tenantId, documentId, version: current.version });
    return `re-queued version ${current.version}`;
  }
}
