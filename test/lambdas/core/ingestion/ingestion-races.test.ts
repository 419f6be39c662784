import { describe, expect, it } from 'vitest';
import { DeleteDocument } from '../../../../lambdas/core/ingestion/delete-document.js';
import { documentBlobPrefix } from '../../../../lambdas/core/ingestion/document-blob-key.js';
import { IndexDocument } from '../../../../lambdas/core/ingestion/index-document.js';
import { UploadDocument } from '../../../../lambdas/core/ingestion/upload-document.js';
import { HttpProblem } from '../../../../lambdas/core/problem.js';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';
import { exploreInterleavings, type Outcome } from '../../../support/interleavings.js';
import { testReaders } from '../../../support/readers.js';

/**
 * The fixture's use cases, rebuilt over gated ports so that every call to a store, the
 * embedder or the queue is a step the explorer can interleave with the other actor's.
 */
const gatedFixture = (gate: <T extends object>(target: T, name: string) => T) => {
  const fixture = ingestionFixture();
  const documents = gate(fixture.documents, 'documents');
  const blobs = gate(fixture.blobs, 'blobs');
  const vectors = gate(fixture.vectors, 'vectors');
  const queue = gate(fixture.queue, 'queue');
  const embedder = gate(fixture.embedder, 'embedder');
  const { clock } = fixture;
  return {
    ...fixture,
    gated: {
      indexDocument: new IndexDocument({
        documents,
        blobs,
        embedder,
        vectors,
        queue,
        clock,
        chunking: { maxTokens: 40, overlapTokens: 8 },
        readers: testReaders,
      }),
      deleteDocument: new DeleteDocument({ documents, blobs, vectors, clock }),
      upload: new UploadDocument({
        documents,
        blobs,
        queue,
        clock,
        maxBytes: 100_000,
        readers: testReaders,
      }),
    },
  };
};

const failed = (outcome: Outcome | undefined) =>
  outcome?.ok === false ? (outcome.error as Error) : undefined;

describe('ingestion races', () => {
  it('leaves no chunk, upload or record of a document deleted while it is indexed, at every interleaving', async () => {
    const runs = await exploreInterleavings(async (gate) => {
      const world = gatedFixture(gate);
      const { id } = await world.uploadText('Guide', sectionedMarkdown(3));
      const job = world.queue.jobs[0]!;
      return {
        actors: {
          index: () => world.gated.indexDocument.execute(job),
          delete: () => world.gated.deleteDocument.execute('acme', id),
        },
        check: async (outcomes) => {
          // The queue redelivers a job whose run failed; the redelivery must settle it too.
          await world.indexDocument.execute(job).catch(() => undefined);

          expect(failed(outcomes.delete)).toBeUndefined();
          expect(await world.documents.get('acme', id)).toBeUndefined();
          expect(await world.vectors.count('acme', id)).toBe(0);
          expect(world.blobs.keys()).toEqual([]);
        },
      };
    });

    expect(runs).toBeGreaterThan(100);
  });

  it('keeps every upload racing a delete consistent: stored and indexable, or refused with 409 and nothing left', async () => {
    const runs = await exploreInterleavings(async (gate) => {
      const world = gatedFixture(gate);
      const { id } = await world.uploadText('Guide', sectionedMarkdown(2));
      await world.indexDocument.execute(world.queue.jobs[0]!);
      return {
        actors: {
          upload: () =>
            world.gated.upload.execute({
              tenantId: 'acme',
              title: 'Guide',
              content: Buffer.from(sectionedMarkdown(4)),
              contentType: 'text/markdown',
            }),
          delete: () => world.gated.deleteDocument.execute('acme', id),
        },
        check: async (outcomes) => {
          for (const job of world.queue.jobs.slice(1)) await world.indexDocument.execute(job);
          const uploadError = failed(outcomes.upload);
          const record = await world.documents.get('acme', id);
          const claim = await world.documents.reserveVersion('acme', 'Guide');

          expect(failed(outcomes.delete)).toBeUndefined();
          if (uploadError !== undefined) {
            expect(uploadError).toBeInstanceOf(HttpProblem);
            expect((uploadError as HttpProblem).status).toBe(409);
          }
          if (record) {
            expect(record.status).toBe('ready');
            expect(await world.blobs.get(record.blobKey)).toBeDefined();
            expect(await world.vectors.count('acme', id)).toBe(record.chunkCount);
            expect(claim.documentId).toBe(id);
          } else {
            const prefix = documentBlobPrefix('acme', id);
            expect(world.blobs.keys().filter((key) => key.startsWith(prefix))).toEqual([]);
            expect(await world.vectors.count('acme', id)).toBe(0);
            expect(claim.documentId).not.toBe(id);
          }
        },
      };
    });

    expect(runs).toBeGreaterThan(10);
  });
});

/** Runs the jobs queued from `from` on (and those they queue) until none is left. */
const drainFrom = async (world: ReturnType<typeof ingestionFixture>, from: number) => {
  for (let next = from; next < world.queue.jobs.length; next += 1) {
    await world.indexDocument.execute(world.queue.jobs[next]!).catch(() => undefined);
  }
};

describe('IndexDocument redelivered after a run stopped between storing and repairing', () => {
  it('removes the chunks the stopped run stored when the document was deleted meanwhile', async () => {
    const world = ingestionFixture();
    const { id } = await world.uploadText('Guide', sectionedMarkdown(3));
    const job = world.queue.jobs[0]!;
    const deadline = new AbortController();
    world.embedder.onCall = async () => {
      world.embedder.onCall = undefined;
      await world.deleteDocument.execute('acme', id);
    };
    const upsert = world.vectors.upsert.bind(world.vectors);
    world.vectors.upsert = async (tenantId, points) => {
      await upsert(tenantId, points);
      deadline.abort(new Error('the Lambda deadline'));
    };
    await expect(world.indexDocument.execute(job, { signal: deadline.signal })).rejects.toThrow();
    world.vectors.upsert = upsert;

    const redelivered = await world.indexDocument.execute(job, { attempt: 2 });

    expect(redelivered.kind).toBe('skipped');
    expect(await world.vectors.count('acme', id)).toBe(0);
  });

  it('queues the newer version again when the stopped run could not', async () => {
    const world = ingestionFixture();
    const { id } = await world.uploadText('Guide', sectionedMarkdown(3, 'old'));
    const v1 = world.queue.jobs[0]!;
    world.embedder.onCall = async () => {
      world.embedder.onCall = undefined;
      await world.uploadText('Guide', sectionedMarkdown(3, 'new'));
      await world.indexDocument.execute(world.queue.jobs.at(-1)!);
      world.queue.failures.push(new Error('SQS unavailable'));
    };
    await expect(world.indexDocument.execute(v1)).rejects.toThrow('SQS unavailable');
    const sent = world.queue.jobs.length;

    await world.indexDocument.execute(v1, { attempt: 2 });
    await drainFrom(world, sent);

    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'ready', version: 2 });
    const versions = world.vectors.pointsOf('acme', id).map((point) => point.payload.version);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.every((version) => version === 2)).toBe(true);
  });

  it('queues a newer version as a whole when a part of the older one finishes after it', async () => {
    const world = ingestionFixture({ partChunks: 2 });
    const { id } = await world.uploadText('Guide', sectionedMarkdown(6, 'old'));
    expect((await world.indexDocument.execute(world.queue.jobs[0]!)).kind).toBe('split');
    const part = world.queue.jobs.find((job) => job.part?.index === 0)!;
    const prepared = await world.indexDocument.prepare(part);
    if (prepared.kind !== 'prepared') throw new Error(`part not prepared: ${prepared.kind}`);
    const { vectors } = await world.embedder.embed(prepared.value.chunks.map((c) => c.text));
    await world.uploadText('Guide', sectionedMarkdown(1, 'new'));
    await world.indexDocument.execute(world.queue.jobs.at(-1)!);
    const sent = world.queue.jobs.length;

    await world.indexDocument.finish(prepared.value, vectors, 1);
    await drainFrom(world, sent);

    expect(world.queue.jobs.slice(sent).map((job) => job.part)).toEqual([undefined]);
    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'ready', version: 2 });
    expect(world.vectors.pointsOf('acme', id).map((point) => point.payload.version)).toEqual([2]);
  });
});
