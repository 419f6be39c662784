import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { scheduleReconciler } from '../../dev/reconcile-schedule.js';

const INTERVAL_MS = 10;

/** A reconciler whose runs stay open until `finish()`, recording the signal each got. */
const heldRuns = () => {
  const signals: AbortSignal[] = [];
  let finish = () => {};
  const run = vi.fn(
    (signal: AbortSignal) =>
      new Promise<void>((resolveRun) => {
        signals.push(signal);
        finish = resolveRun;
      }),
  );
  return { run, signals, finish: () => finish() };
};

const recordingLogger = () => ({ debug: vi.fn(), warn: vi.fn(), error: vi.fn() });

/** A schedule of {@link heldRuns}, once its first run has started. */
const scheduleWithRunInFlight = async () => {
  const runs = heldRuns();
  const schedule = scheduleReconciler({
    run: runs.run,
    intervalMs: INTERVAL_MS,
    logger: recordingLogger(),
  });
  await vi.waitFor(() => expect(runs.run).toHaveBeenCalledTimes(1));
  return { runs, schedule };
};

describe('scheduleReconciler', () => {
  it('skips a tick while the previous run still works, and says so at debug level', async () => {
    const runs = heldRuns();
    const logger = recordingLogger();
    const schedule = scheduleReconciler({ run: runs.run, intervalMs: INTERVAL_MS, logger });

    await sleep(INTERVAL_MS * 5);

    expect(runs.run).toHaveBeenCalledTimes(1);
    expect(logger.debug).toHaveBeenCalledWith(
      'reconciling skipped: the previous run is still going',
    );
    runs.finish();
    await schedule.close();
  });

  it('runs again at the next tick once the previous run ended', async () => {
    const { runs, schedule } = await scheduleWithRunInFlight();

    runs.finish();

    await vi.waitFor(() => expect(runs.run).toHaveBeenCalledTimes(2));
    runs.finish();
    await schedule.close();
  });

  it('closes only once the run in flight has ended', async () => {
    const { runs, schedule } = await scheduleWithRunInFlight();
    let closed = false;

    const closing = schedule.close().then(() => {
      closed = true;
    });
    await sleep(INTERVAL_MS * 3);
    const closedWhileRunning = closed;
    runs.finish();
    await closing;

    expect(closedWhileRunning).toBe(false);
    expect(closed).toBe(true);
  });

  it('aborts the run in flight through its signal when closing', async () => {
    const { runs, schedule } = await scheduleWithRunInFlight();

    const closing = schedule.close();
    const abortedOnClose = runs.signals[0]?.aborted;
    runs.finish();
    await closing;

    expect(abortedOnClose).toBe(true);
  });

  it('starts no run once closed', async () => {
    const { runs, schedule } = await scheduleWithRunInFlight();
    const closing = schedule.close();
    runs.finish();
    await closing;

    await sleep(INTERVAL_MS * 5);

    expect(runs.run).toHaveBeenCalledTimes(1);
  });

  it('stops waiting for a run that outlasts the grace period, with a warning', async () => {
    const runs = heldRuns();
    const logger = recordingLogger();
    const schedule = scheduleReconciler({
      run: runs.run,
      intervalMs: INTERVAL_MS,
      closeGraceMs: 20,
      logger,
    });
    await vi.waitFor(() => expect(runs.run).toHaveBeenCalledTimes(1));

    await schedule.close();

    expect(logger.warn).toHaveBeenCalledWith(
      'closing without waiting longer for the reconciler run in flight',
    );
    runs.finish();
  });

  it('logs a run that failed and runs again at the next tick', async () => {
    const logger = recordingLogger();
    const failure = new Error('table unavailable');
    const run = vi.fn(() => Promise.reject(failure));
    const schedule = scheduleReconciler({ run, intervalMs: INTERVAL_MS, logger });

    await vi.waitFor(() => expect(run.mock.calls.length).toBeGreaterThanOrEqual(2));

    expect(logger.error).toHaveBeenCalledWith('reconciling failed', { error: failure });
    await schedule.close();
  });
});
