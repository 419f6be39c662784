import { describe, expect, it } from 'vitest';
import { ingestionFixture, sectionedMarkdown } from '../../../support/ingestion-fixture.js';

/** Runs the jobs queued from `from` on (and those they queue) until none is left. */
const drainFrom = async (world: ReturnType<typeof ingestionFixture>, from: number) => {
  for (let next = from; next < world.queue.jobs.length; next += 1) {
    await world.indexDocument.execute(world.queue.jobs[next]!).catch(() => undefined);
  }
};

describe('an older version whose run overlaps the newer version’s run', () => {
  it('never leaves the newer version ready with the older version’s chunks', async () => {
    const world = ingestionFixture();
    const { id } = await world.uploadText('Guide', sectionedMarkdown(3, 'old'));
    const v1Job = world.queue.jobs[0]!;
    const v1 = await world.indexDocument.prepare(v1Job);
    if (v1.kind !== 'prepared') throw new Error(`v1 not prepared: ${v1.kind}`);
    const v1Vectors = (await world.embedder.embed(v1.value.chunks.map((c) => c.text))).vectors;

    // Version 2 arrives while version 1's (slow, or redelivered) run is in flight.
    await world.uploadText('Guide', sectionedMarkdown(3, 'new'));
    const v2Job = world.queue.jobs.at(-1)!;
    const v2 = await world.indexDocument.prepare(v2Job);
    if (v2.kind !== 'prepared') throw new Error(`v2 not prepared: ${v2.kind}`);
    const v2Vectors = (await world.embedder.embed(v2.value.chunks.map((c) => c.text))).vectors;

    // Version 2's run has stored its chunks; before it marks them ready, version 1's run
    // stores (overwriting the same point ids) and finds itself superseded.
    const transition = world.documents.transition.bind(world.documents);
    let v1Finished = false;
    world.documents.transition = async (tenantId, documentId, version, change) => {
      if (!v1Finished && version === 2 && change.status === 'ready') {
        v1Finished = true;
        await world.indexDocument.finish(v1.value, v1Vectors, 1);
      }
      return transition(tenantId, documentId, version, change);
    };
    const sent = world.queue.jobs.length;
    await world.indexDocument.finish(v2.value, v2Vectors, 1);
    world.documents.transition = transition;
    await drainFrom(world, sent);

    expect(await world.documents.get('acme', id)).toMatchObject({ status: 'ready', version: 2 });
    const versions = world.vectors.pointsOf('acme', id).map((point) => point.payload.version);
    expect(versions).toEqual([2, 2, 2]);
  });
});
