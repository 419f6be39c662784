import { setTimeout as sleep } from 'node:timers/promises';

/** What {@link scheduleReconciler} needs. */
export interface ReconcileScheduleOptions {
  /** One reconciler run; it stops early (before its next record) once `signal` aborts. */
  run(signal: AbortSignal): Promise<unknown>;
  /** Time between the starts of two runs, in ms. */
  intervalMs: number;
  /** How long closing waits for a run in flight after aborting it, in ms (default 30 s). */
  closeGraceMs?: number;
  logger: {
    debug(message: string): void;
    warn(message: string): void;
    error(message: string, extra: { error: Error }): void;
  };
}

/** A running reconciler schedule. */
export interface ReconcileSchedule {
  /**
   * Stops scheduling, aborts the run in flight and resolves once it has ended (or after the
   * grace period, with a warning), so the stores it writes to can be closed after it.
   */
  close(): Promise<void>;
}

/**
 * Runs the reconciler every `intervalMs`, one run at a time: a tick that comes while the
 * previous run still works is skipped (logged at debug level), as a run never needs to overlap
 * the one that will settle the same records. A failed run is logged; the next tick is its retry.
 *
 * @example
 * const schedule = scheduleReconciler({ run: (signal) => reconcile.execute({ signal }), intervalMs: 60_000, logger });
 * await schedule.close();
 */
export const scheduleReconciler = (options: ReconcileScheduleOptions): ReconcileSchedule => {
  const { logger } = options;
  const stopping = new AbortController();
  let inFlight: Promise<void> | undefined;
  const tick = () => {
    if (inFlight) {
      logger.debug('reconciling skipped: the previous run is still going');
      return;
    }
    inFlight = options
      .run(stopping.signal)
      .then(
        () => undefined,
        (error: unknown) => logger.error('reconciling failed', { error: error as Error }),
      )
      .finally(() => {
        inFlight = undefined;
      });
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    close: async () => {
      clearInterval(timer);
      stopping.abort();
      const running = inFlight;
      if (!running) return;
      const grace = new AbortController();
      const ended = await Promise.race([
        running.then(() => true),
        sleep(options.closeGraceMs ?? 30_000, false, { signal: grace.signal }).catch(() => false),
      ]);
      grace.abort();
      if (!ended) logger.warn('closing without waiting longer for the reconciler run in flight');
    },
  };
};
