/**
 * Default longest stretch of sliced work, in ms: a request that needs a few event loop
 * iterations waits a few slices, so slices stay short; a turn costs microseconds.
 */
export const SLICE_MS = 2;

/** Work waiting for its next turn, oldest first. */
const waiting: (() => void)[] = [];
let turnScheduled = false;

/** Gives the oldest waiting work its turn; one per event loop iteration. */
const nextInLine = () => {
  const next = waiting.shift();
  // Scheduled from inside a check-phase callback, the next turn comes in the next iteration,
  // after timers and I/O have run.
  turnScheduled = waiting.length > 0;
  if (turnScheduled) setImmediate(nextInLine);
  next?.();
};

/**
 * Waits for this work's next turn on the event loop. Pieces of work that yield this way take
 * turns, one per event loop iteration and oldest first, so that however many documents are
 * being processed at once, requests and timers wait for one slice of work, not one per document.
 */
export const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(nextInLine);
    }
  });

/**
 * CPU-bound work cut into steps: a generator that yields (nothing) at points where it may be
 * paused and returns its result. Written this way, the same code runs to completion at once
 * ({@link runSteps}) or a few milliseconds at a time under a budget ({@link runStepsWithin}).
 */
export type Steps<T> = Generator<void, T, void>;

/** Runs work to completion without pausing, and returns its result. */
export const runSteps = <T>(steps: Steps<T>): T => {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
};

/** How much of the process a piece of work may take. */
export interface WorkBudget {
  /**
   * Most CPU time, in ms, the work may use in total, as {@link WorkBudget.cpuTime} counts it:
   * time spent paused, and time the thread waits for a core, do not count.
   */
  maxCpuMs: number;
  /** Longest stretch, in ms, before the work pauses to let other callbacks run. Default {@link SLICE_MS}. */
  sliceMs?: number;
  /** Stops the work at its next pause (a deadline, a shutdown). */
  signal?: AbortSignal;
  /** The wall clock that times slices, in ms (default `performance.now`); tests pass their own. */
  now?: () => number;
  /**
   * The CPU time the thread has used, in ms, which the budget counts (default
   * {@link threadCpuMs}); tests pass their own.
   */
  cpuTime?: () => number;
}

/**
 * The CPU time, in ms, the calling thread has used (user and system): unlike the wall clock, it
 * does not run while the thread waits for a core, so a busy machine or a function's share of a
 * vCPU does not make the same work cost more.
 */
export const threadCpuMs = (): number => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1_000;
};

/** Thrown when work uses up its {@link WorkBudget}: the message says so in plain words. */
export class WorkBudgetExceededError extends Error {
  constructor(readonly maxCpuMs: number) {
    super(
      `Processing the text needs more than ${maxCpuMs / 1000} s of CPU time; split the document into smaller ones`,
    );
    this.name = 'WorkBudgetExceededError';
  }
}

/**
 * Runs work a slice at a time: after at most `sliceMs` of uninterrupted work it yields to the
 * event loop (so that HTTP requests, timers and other documents get their turn, in a Lambda
 * function as in the local stack where everything shares one thread), then checks the signal
 * and the CPU budget. The budget counts the thread's CPU time, not the wall clock: exceeding it
 * is a property of the work, not of how busy the machine was. It is enforced here, outside the
 * work, so no input can make the work run past it by more than one slice.
 *
 * @throws WorkBudgetExceededError when the work needs more than `maxCpuMs`.
 * @throws the signal's reason when it aborts.
 *
 * @example
 * const chunks = await runStepsWithin(chunkSteps(text, options), { maxCpuMs: 10_000, signal });
 */
export const runStepsWithin = async <T>(steps: Steps<T>, budget: WorkBudget): Promise<T> => {
  const now = budget.now ?? (() => performance.now());
  const cpuTime = budget.cpuTime ?? threadCpuMs;
  const sliceMs = budget.sliceMs ?? SLICE_MS;
  budget.signal?.throwIfAborted();
  let used = 0;
  let sliceStart = now();
  let sliceCpuStart = cpuTime();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (now() - sliceStart < sliceMs) continue;
    used += cpuTime() - sliceCpuStart;
    if (used > budget.maxCpuMs) {
      steps.return(undefined as T);
      throw new WorkBudgetExceededError(budget.maxCpuMs);
    }
    await nextTurn();
    budget.signal?.throwIfAborted();
    sliceStart = now();
    sliceCpuStart = cpuTime();
  }
};

/**
 * Lets other callbacks run once a loop has held the event loop for `sliceMs`: call
 * {@link pause} between items of a long synchronous loop (embedding thousands of texts,
 * serialising thousands of points); it returns at once while the slice lasts.
 *
 * @example
 * const slicer = new TimeSlicer();
 * for (const text of texts) { vectors.push(vectorOf(text)); await slicer.pause(signal); }
 */
export class TimeSlicer {
  #sliceStart = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Yields to the event loop when the slice is used up; then checks the signal. */
  async pause(signal?: AbortSignal): Promise<void> {
    if (performance.now() - this.#sliceStart < this.sliceMs) return;
    await nextTurn();
    signal?.throwIfAborted();
    this.#sliceStart = performance.now();
  }
}
