/**
 * Coalesces changes into delayed writes: `touch()` after each change schedules one write
 * `delayMs` later (or, once writes take long, four times as long as the last one took, so that
 * rewriting a large store keeps to a fifth of the time while changes pour in), never two at
 * once, and `flush()` writes what is pending and waits for it.
 * A failed write keeps the changes pending; `flush()` reports the failure.
 *
 * @example
 * const persistence = new WriteBehind(() => writeSnapshot(), 50);
 * persistence.touch();
 * await persistence.flush(); // before shutting down
 */
export class WriteBehind {
  readonly #write: () => Promise<void>;
  readonly #delayMs: number;
  #dirty = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #failure: unknown;
  #lastWriteMs = 0;

  constructor(write: () => Promise<void>, delayMs: number) {
    this.#write = write;
    this.#delayMs = delayMs;
  }

  /** Records a change and schedules its write. */
  touch(): void {
    this.#dirty = true;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#run();
      },
      Math.max(this.#delayMs, 4 * this.#lastWriteMs),
    );
  }

  /** Writes any pending change now and resolves once it is on disk; rejects if a write failed. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#run();
    if (this.#failure !== undefined) {
      const failure = this.#failure;
      this.#failure = undefined;
      throw failure;
    }
  }

  #run(): Promise<void> {
    this.#running = this.#running.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      const started = performance.now();
      try {
        await this.#write();
        this.#lastWriteMs = performance.now() - started;
        this.#failure = undefined;
      } catch (error) {
        this.#dirty = true;
        this.#failure = error;
      }
    });
    return this.#running;
  }
}
