import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { describe, expect, it } from 'vitest';
import { type ServedVectorStore, ThreadVectorStore } from '../../dev/thread-vector-store.js';
import { startVectorStoreThread } from '../../dev/vector-store-thread.js';
import { contractPoint, describeVectorStoreContract } from '../contracts/vector-store-contract.js';

describeVectorStoreContract('ThreadVectorStore', async ({ dimensions }) => {
  const thread = startVectorStoreThread({ store: { dimensions } });
  await thread.ready;
  return { store: thread.store, dispose: thread.close };
});

describe('the vector store thread', () => {
  it('serves another thread on a port of its own', async () => {
    const thread = startVectorStoreThread({ store: { dimensions: 4 } });
    await thread.store.upsert('acme', [contractPoint('acme', 'doc', 0, [1, 0, 0, 0])]);

    const port = thread.connect();
    const other = new ThreadVectorStore(Comlink.wrap<ServedVectorStore>(nodeEndpoint(port)));

    expect(await other.count('acme')).toBe(1);
    port.close();
    await thread.close();
  });

  it('sends vectors to the thread as float32, leaving the caller points as they were', async () => {
    const received: unknown[] = [];
    const remote = {
      upsert: async (_tenantId: string, points: { vector: unknown }[]) => {
        received.push(...points.map((point) => point.vector));
      },
    } as unknown as Comlink.Remote<ServedVectorStore>;
    const point = contractPoint('acme', 'doc', 0, [0.5, -1, 0, 0]);

    await new ThreadVectorStore(remote).upsert('acme', [point]);

    expect(received).toEqual([new Float32Array([0.5, -1, 0, 0])]);
    expect(point.vector).toEqual([0.5, -1, 0, 0]);
  });

  it('keeps what it stored on disk across a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vector-thread-'));
    const store = { dimensions: 4, filePath: join(dir, 'vectors.ndjson') };
    const first = startVectorStoreThread({ store });
    await first.store.upsert('acme', [contractPoint('acme', 'doc', 0, [1, 0, 0, 0])]);
    await first.close();

    const second = startVectorStoreThread({ store });
    const count = await second.store.count('acme', 'doc');

    expect(count).toBe(1);
    await second.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a query whose signal has fired without sending it', async () => {
    const thread = startVectorStoreThread({ store: { dimensions: 4 } });

    const query = thread.store.query('acme', [1, 0, 0, 0], {
      limit: 1,
      signal: AbortSignal.abort(),
    });

    await expect(query).rejects.toMatchObject({ name: 'AbortError' });
    await thread.close();
  });
});
