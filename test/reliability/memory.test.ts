/**
 * Memory: a local stack that keeps answering gives its memory back. Streams that continue their
 * sessions (each one reads the session's history) and listings of sessions and messages (paged
 * queries that stop at their limit) leave no database iterator open, and the heap after a full
 * collection is within 10% of what it was before the run, once a first round has warmed up.
 * (dynalite used to leave every query's LevelDB iterator open, with its cached items: the heap
 * grew by hundreds of MB over a few thousand streams.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client, streamParts } from '../support/local-stack-client.js';
import { trackOpenLevelResources } from './support/open-level-resources.js';
import { settledHeap } from './support/settled-heap.js';

const SESSIONS = 40;
const ROUNDS = 8;

describe(`memory: ${ROUNDS} rounds of ${SESSIONS} streams continuing their sessions`, () => {
  const openResources = trackOpenLevelResources();
  let stack: LocalStack;
  let dataDir: string;
  const sessions: (string | undefined)[] = Array.from({ length: SESSIONS }, () => undefined);

  /** One stream per session, all at once, then a page of sessions and of each one's messages. */
  const round = async (name: string) => {
    const api = client(stack, stack.apiKey);
    await Promise.all(
      sessions.map(async (sessionId, index) => {
        const reply = await api.stream({
          message: `${name}-${index}: what do retries absorb, and what bounds slow dependencies?`,
          ...(sessionId ? { sessionId } : {}),
        });
        const start = streamParts(reply.text).find((part) => part.type === 'start') as
          | { messageMetadata: { sessionId: string } }
          | undefined;
        sessions[index] ??= start?.messageMetadata.sessionId;
      }),
    );
    await api.json('GET', '/v1/sessions?limit=5');
    await Promise.all(
      sessions.map((sessionId) => api.json('GET', `/v1/sessions/${sessionId}?limit=2`)),
    );
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'reliability-memory-'));
    stack = await startLocalStack({
      port: 0,
      streamPort: 0,
      dataDir,
      logLevel: 'SILENT',
      env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });
    const api = client(stack, stack.apiKey);
    const paragraph =
      'Retries absorb transient faults of a dependency. Timeouts bound slow dependencies, so one slow call cannot hold a request forever. ';
    const upload = await api.json('POST', '/v1/documents', {
      title: 'Reliability guide',
      text: `# Reliability\n\n${paragraph.repeat(30)}\n\n## Timeouts\n\n${paragraph.repeat(30)}`,
    });
    await api.waitForDocument((upload.body as { id: string }).id);
  });

  afterAll(async () => {
    await stack?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes every database iterator it opens and keeps its heap within 10%', async () => {
    await round('warm-up');
    const heapBefore = await settledHeap();
    const resourcesBefore = openResources();

    for (let index = 0; index < ROUNDS; index += 1) await round(`r${index}`);

    const heapAfter = await settledHeap();
    const growth = (heapAfter - heapBefore) / heapBefore;
    console.info(
      `${ROUNDS * SESSIONS} streams: heap ${(heapBefore / 2 ** 20).toFixed(1)} MB → ${(heapAfter / 2 ** 20).toFixed(1)} MB (${(growth * 100).toFixed(1)}%); open LevelDB resources ${resourcesBefore} → ${openResources()}`,
    );
    expect(sessions.every((sessionId) => sessionId !== undefined)).toBe(true);
    expect(openResources()).toBe(resourcesBefore);
    expect(growth).toBeLessThanOrEqual(0.1);
  }, 180_000);
});
