import { describe, expect, it } from 'vitest';
import {
  nextTurn,
  runSteps,
  runStepsWithin,
  type Steps,
  threadCpuMs,
  WorkBudgetExceededError,
} from '../../../../lambdas/core/text/work-steps.js';

/** Work of `count` steps, each advancing a fake clock by `stepMs`; returns the steps done. */
function* countedSteps(count: number, clock: { ms: number }, stepMs: number): Steps<number> {
  for (let step = 1; step <= count; step += 1) {
    clock.ms += stepMs;
    yield;
  }
  return count;
}

describe('runSteps', () => {
  it('runs the work to its end and returns its result', () => {
    expect(runSteps(countedSteps(100, { ms: 0 }, 1))).toBe(100);
  });
});

describe('runStepsWithin', () => {
  it('returns the result of work that stays within its budget', async () => {
    const clock = { ms: 0 };

    const result = await runStepsWithin(countedSteps(50, clock, 1), {
      maxCpuMs: 100,
      now: () => clock.ms,
      cpuTime: () => clock.ms,
    });

    expect(result).toBe(50);
  });

  it('stops work that needs more than its budget, saying so', async () => {
    const clock = { ms: 0 };
    const steps = countedSteps(1_000, clock, 1);

    const run = runStepsWithin(steps, {
      maxCpuMs: 100,
      now: () => clock.ms,
      cpuTime: () => clock.ms,
    });

    await expect(run).rejects.toBeInstanceOf(WorkBudgetExceededError);
    await expect(run).rejects.toThrow(/more than 0.1 s of CPU time; split the document/);
    expect(clock.ms).toBeLessThanOrEqual(110);
  });

  it('counts only the time the work runs, not the time it waits for its turn', async () => {
    const clock = { ms: 0 };
    function* slowWorld(): Steps<string> {
      for (let step = 0; step < 40; step += 1) {
        clock.ms += 5;
        yield;
      }
      return 'done';
    }
    const now = () => clock.ms;
    // Other work advances the clock by 1 s between this work's slices.
    const other = setInterval(() => {
      clock.ms += 1_000;
    }, 0);

    const result = await runStepsWithin(slowWorld(), { maxCpuMs: 500, now, cpuTime: now }).finally(
      () => clearInterval(other),
    );

    expect(result).toBe('done');
  });

  it('counts the CPU time the work uses, not the wall time a busy machine stretches it to', async () => {
    const wall = { ms: 0 };
    const cpu = { ms: 0 };
    // A thread given a quarter of a core: each step takes 1 ms of CPU over 4 ms of wall time.
    function* sharedCore(): Steps<string> {
      for (let step = 0; step < 100; step += 1) {
        cpu.ms += 1;
        wall.ms += 4;
        yield;
      }
      return 'done';
    }

    const result = await runStepsWithin(sharedCore(), {
      maxCpuMs: 150,
      now: () => wall.ms,
      cpuTime: () => cpu.ms,
    });

    expect(result).toBe('done');
  });

  it('stops at its next pause once the signal aborts', async () => {
    const clock = { ms: 0 };
    const controller = new AbortController();
    controller.abort(new Error('deadline'));

    await expect(
      runStepsWithin(countedSteps(10, clock, 10), {
        maxCpuMs: 1_000,
        signal: controller.signal,
        now: () => clock.ms,
      }),
    ).rejects.toThrow('deadline');
  });

  it('lets other callbacks run between slices', async () => {
    let otherTurns = 0;
    let running = true;
    const other = () => {
      otherTurns += 1;
      if (running) setImmediate(other);
    };
    setImmediate(other);
    const clock = { ms: 0 };

    await runStepsWithin(countedSteps(100, clock, 5), {
      maxCpuMs: 10_000,
      now: () => clock.ms,
    }).finally(() => {
      running = false;
    });

    expect(otherTurns).toBeGreaterThanOrEqual(99);
  });
});

describe('threadCpuMs', () => {
  it('does not run while the thread waits', async () => {
    const before = threadCpuMs();

    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(threadCpuMs() - before).toBeLessThan(50);
  });

  it('runs while the thread works', () => {
    const before = threadCpuMs();

    let sum = 0;
    for (let i = 0; i < 5_000_000; i += 1) sum += Math.sqrt(i);

    expect(sum).toBeGreaterThan(0);
    expect(threadCpuMs()).toBeGreaterThan(before);
  });
});

describe('nextTurn', () => {
  it('gives waiting work its turns oldest first, one per event loop iteration', async () => {
    const order: string[] = [];
    const worker = async (name: string) => {
      for (let turn = 0; turn < 3; turn += 1) {
        await nextTurn();
        order.push(name);
      }
    };

    await Promise.all([worker('a'), worker('b')]);

    expect(order).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
  });
});
