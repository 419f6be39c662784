import type { Clock } from '../../../lambdas/core/ports/clock.js';
import {
  type CounterRead,
  type CounterSpec,
  fixedWindow,
  type UsageMeter,
  type WindowCount,
} from '../../../lambdas/core/ports/usage-meter.js';

/** A {@link UsageMeter} in a map: fixed windows by the injected clock, atomic by construction. */
export class InMemoryUsageMeter implements UsageMeter {
  readonly #counts = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async take(
    tenantId: string,
    counter: CounterSpec,
    amount: number,
    limit: number,
  ): Promise<WindowCount> {
    const window = fixedWindow(this.clock.now(), counter.windowSeconds);
    const key = this.#key(tenantId, counter, window.start);
    const used = this.#counts.get(key) ?? 0;
    if (used + amount > limit) return { allowed: false, used: limit, resetAt: window.end };
    this.#counts.set(key, used + amount);
    return { allowed: true, used: used + amount, resetAt: window.end };
  }

  async add(
    tenantId: string,
    counter: CounterSpec,
    amount: number,
    at?: Date,
  ): Promise<WindowCount> {
    const window = fixedWindow(at ?? this.clock.now(), counter.windowSeconds);
    const key = this.#key(tenantId, counter, window.start);
    const used = (this.#counts.get(key) ?? 0) + amount;
    this.#counts.set(key, used);
    return { allowed: true, used, resetAt: window.end };
  }

  async read(tenantId: string, counter: CounterSpec, at?: Date): Promise<number> {
    const window = fixedWindow(at ?? this.clock.now(), counter.windowSeconds);
    return this.#counts.get(this.#key(tenantId, counter, window.start)) ?? 0;
  }

  async readMany(tenantId: string, reads: readonly CounterRead[]): Promise<number[]> {
    return Promise.all(reads.map(({ counter, at }) => this.read(tenantId, counter, at)));
  }

  #key(tenantId: string, counter: CounterSpec, start: Date) {
    return `${tenantId}|${counter.name}|${start.toISOString()}`;
  }
}
