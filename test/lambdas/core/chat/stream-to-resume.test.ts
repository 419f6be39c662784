import { describe, expect, it } from 'vitest';
import { streamToResume } from '../../../../lambdas/core/chat/stream-to-resume.js';
import type { ChatStreamView } from '../../../../lambdas/core/ports/answer-preparations.js';
import type { ActiveStream } from '../../../../lambdas/core/ports/stream-log.js';

const DEADLINE = Date.now() + 60_000;
const running = (streamId: string, deadlineAt = DEADLINE): ActiveStream => ({
  streamId,
  deadlineAt,
  stopRequested: false,
});
const preparing = [{ preparationId: 'p1', deadlineAt: DEADLINE }];

/** Preparations whose views are `views` in turn (the last repeats), reads counted. */
const preparationsOf = (views: ChatStreamView[]) => {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    view: async () => views[Math.min(reads++, views.length - 1)] as ChatStreamView,
  };
};

describe('streamToResume', () => {
  it('returns the active stream after one read', async () => {
    // Arrange
    const preparations = preparationsOf([{ active: running('s1'), preparing: [] }]);

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 1 });

    // Assert
    expect(stream).toEqual(running('s1'));
    expect(preparations.reads).toBe(1);
  });

  it('returns nothing after one read when nothing runs or is prepared', async () => {
    // Arrange
    const preparations = preparationsOf([{ preparing: [], lastEnded: 'old' }]);

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 1 });

    // Assert
    expect(stream).toBeUndefined();
    expect(preparations.reads).toBe(1);
  });

  it('waits for an answer being prepared to begin, then returns its stream', async () => {
    // Arrange
    const preparations = preparationsOf([
      { preparing, lastEnded: 'old' },
      { preparing, lastEnded: 'old' },
      { active: running('s2'), preparing: [], lastEnded: 'old' },
    ]);

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 1 });

    // Assert
    expect(stream).toEqual(running('s2'));
    expect(preparations.reads).toBe(3);
  });

  it('returns the prepared answer that began and ended between two reads, to be replayed', async () => {
    // Arrange
    const preparations = preparationsOf([
      { preparing, lastEnded: 'old' },
      { preparing: [], lastEnded: 's2' },
    ]);

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 1 });

    // Assert
    expect(stream).toEqual({ streamId: 's2', deadlineAt: DEADLINE, stopRequested: false });
  });

  it('returns nothing once the preparation is abandoned (the answer failed before its start)', async () => {
    // Arrange
    const preparations = preparationsOf([{ preparing }, { preparing: [] }]);

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 1 });

    // Assert
    expect(stream).toBeUndefined();
    expect(preparations.reads).toBe(2);
  });

  it('gives up after its longest wait when the prepared answer never begins', async () => {
    // Arrange
    const preparations = preparationsOf([{ preparing }]);
    const startedAt = Date.now();

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 5, maxWaitMs: 50 });

    // Assert
    expect(stream).toBeUndefined();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(45);
  });

  it('neither follows a writer past its deadline nor waits for a preparation past it', async () => {
    // Arrange
    const past = Date.now() - 60_000;
    const preparations = preparationsOf([
      { active: running('gone', past), preparing: [{ preparationId: 'p0', deadlineAt: past }] },
    ]);

    // Act
    const stream = await streamToResume(preparations, 't', 'c', { pollMs: 1 });

    // Assert
    expect(stream).toBeUndefined();
    expect(preparations.reads).toBe(1);
  });
});
