import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FunctionThread, startFunctionThread } from '../../dev/function-thread.js';
import { loadRuntimeConfig } from '../../lambdas/composition/runtime-config.js';
import type { IndexJob } from '../../lambdas/core/ports/job-queue.js';
import { FakeVectorStore } from '../support/fakes/fake-vector-store.js';
import { lambdaContext } from '../support/lambda-context.js';

const ENTRY = new URL('./support/echo-function-thread.ts', import.meta.url);

describe('startFunctionThread', () => {
  const started: { thread?: FunctionThread<unknown, unknown>; dir?: string } = {};
  afterEach(async () => {
    await started.thread?.close();
    if (started.dir) rmSync(started.dir, { recursive: true, force: true });
  });

  const start = async () => {
    const jobs: IndexJob[] = [];
    started.dir = mkdtempSync(join(tmpdir(), 'function-thread-'));
    started.thread = await startFunctionThread(
      ENTRY,
      'echo',
      {
        config: loadRuntimeConfig({ TABLE_NAME: 'threaded-table' }),
        blobsDir: started.dir,
        logLevel: 'SILENT',
      },
      new FakeVectorStore(),
      { enqueue: async (job) => void jobs.push(job) },
    );
    return { thread: started.thread, jobs };
  };

  it('answers an invocation with the result of the function composed in its thread', async () => {
    const { thread } = await start();

    const result = await thread.handler({ hello: 'world' }, lambdaContext());

    expect(result).toEqual({
      event: { hello: 'world' },
      functionName: 'echo',
      table: 'threaded-table',
    });
  });

  it("reaches the main thread's queue from the function", async () => {
    const { thread, jobs } = await start();

    await thread.handler({}, lambdaContext());

    expect(jobs).toEqual([{ tenantId: 'tenant-a', documentId: 'doc-1', version: 1 }]);
  });

  it('fails the invocation when its thread dies, instead of leaving it pending', async () => {
    const { thread } = await start();

    await expect(thread.handler({ exit: 3 }, lambdaContext())).rejects.toThrow(
      'the echo thread exited (3)',
    );
  });
});
