import type { Clock } from '../../../lambdas/core/ports/clock.js';

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = '2026-01-01T00:00:00.000Z') {
    this.#now = Date.parse(start);
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
