import { describe, expect, it } from 'vitest';
import { stoppedAnswerEnded } from '../../../../lambdas/core/chat/stopped-answer-ended.js';
import type { ActiveStream } from '../../../../lambdas/core/ports/stream-log.js';

const running = (stopRequested: boolean): ActiveStream => ({
  streamId: 's1',
  deadlineAt: Date.now() + 60_000,
  stopRequested,
});

/** A log whose marker reads are counted and answered by `markers` in turn (the last repeats). */
const logOf = (markers: (ActiveStream | undefined)[]) => {
  let reads = 0;
  return {
    get reads() {
      return reads;
    },
    active: async () => markers[Math.min(reads++, markers.length - 1)],
  };
};

describe('stoppedAnswerEnded', () => {
  it('returns after one read when the running answer was not asked to stop', async () => {
    const log = logOf([running(false)]);

    await stoppedAnswerEnded(log, 't', 'c', { pollMs: 1 });

    expect(log.reads).toBe(1);
  });

  it('waits until the stopped answer clears the marker', async () => {
    const log = logOf([running(true), running(true), running(true), undefined]);

    await stoppedAnswerEnded(log, 't', 'c', { pollMs: 1 });

    expect(log.reads).toBe(4);
  });

  it('gives up after its longest wait when the stopped writer never ends', async () => {
    const log = logOf([running(true)]);
    const startedAt = Date.now();

    await stoppedAnswerEnded(log, 't', 'c', { pollMs: 5, maxWaitMs: 50 });

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50);
    expect(log.reads).toBeGreaterThan(1);
  });
});
