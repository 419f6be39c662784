import { describe, expect, it } from 'vitest';
import { type StopAnswerDeps, stopAnswer } from '../../../../lambdas/core/chat/stop-answer.js';
import type { RateLimitState } from '../../../../lambdas/core/limits/rate-limit-headers.js';
import type { ChatStreamView } from '../../../../lambdas/core/ports/answer-preparations.js';
import type { ActiveStream } from '../../../../lambdas/core/ports/stream-log.js';

const NOW = 1_000_000;
const STOP = { tenantId: 'acme', chatId: 'chat-1', requestedAt: NOW, staleBefore: NOW - 5_000 };
const RATE: RateLimitState = {
  policy: 'default',
  quota: 2,
  windowSeconds: 60,
  remaining: 1,
  resetSeconds: 23,
};

/** A stream log and preparations showing `view`, recording the stops asked and the counts. */
const chatShowing = (view: ChatStreamView, withPreparations = true) => {
  const recorded = { stops: 0, counted: 0 };
  const deps: StopAnswerDeps = {
    log: {
      active: async () => view.active,
      requestStop: async () => {
        recorded.stops += 1;
        return view.active ? 'running' : 'pending';
      },
    },
    ...(withPreparations ? { preparations: { view: async () => view } } : {}),
    admitter: {
      admitRequest: async () => {
        recorded.counted += 1;
        return RATE;
      },
    },
  };
  return { deps, recorded };
};

const streaming = (deadlineAt: number): ActiveStream => ({
  streamId: 'm-1',
  deadlineAt,
  stopRequested: false,
});

describe('stopAnswer', () => {
  it('does not count a stop of an answer streaming', async () => {
    const { deps, recorded } = chatShowing({ active: streaming(NOW + 60_000), preparing: [] });

    const result = await stopAnswer(deps, STOP);

    expect(result).toEqual({ outcome: 'running' });
    expect(recorded).toEqual({ stops: 1, counted: 0 });
  });

  it('does not count a stop of an answer being prepared', async () => {
    const { deps, recorded } = chatShowing({
      preparing: [{ preparationId: 'p-1', deadlineAt: NOW + 60_000 }],
    });

    const result = await stopAnswer(deps, STOP);

    expect(result).toEqual({ outcome: 'pending' });
    expect(recorded).toEqual({ stops: 1, counted: 0 });
  });

  it('counts a stop that finds no answer before keeping it, and says what is left', async () => {
    const { deps, recorded } = chatShowing({ preparing: [] });

    const result = await stopAnswer(deps, STOP);

    expect(result).toEqual({ outcome: 'pending', rate: RATE });
    expect(recorded).toEqual({ stops: 1, counted: 1 });
  });

  it('counts a stop whose answer and preparation have no writer left (past their deadlines)', async () => {
    const { deps, recorded } = chatShowing({
      active: streaming(NOW - 6_000),
      preparing: [{ preparationId: 'p-1', deadlineAt: NOW - 6_000 }],
    });

    await stopAnswer(deps, STOP);

    expect(recorded.counted).toBe(1);
  });

  it('keeps nothing when the count is refused', async () => {
    const { deps, recorded } = chatShowing({ preparing: [] });
    const refusing: StopAnswerDeps = {
      ...deps,
      admitter: {
        admitRequest: async () => {
          throw new Error('429');
        },
      },
    };

    await expect(stopAnswer(refusing, STOP)).rejects.toThrow('429');
    expect(recorded.stops).toBe(0);
  });

  it('sees a streaming answer through the log when no preparations are kept', async () => {
    const { deps, recorded } = chatShowing(
      { active: streaming(NOW + 60_000), preparing: [] },
      false,
    );

    await stopAnswer(deps, STOP);

    expect(recorded.counted).toBe(0);
  });

  it('counts nothing when limits are off', async () => {
    const { deps, recorded } = chatShowing({ preparing: [] });
    const { admitter: _, ...unlimited } = deps;

    const result = await stopAnswer(unlimited, STOP);

    expect(result).toEqual({ outcome: 'pending' });
    expect(recorded).toEqual({ stops: 1, counted: 0 });
  });
});
