import type { Clock } from '../ports/clock.js';
import {
  type CounterSpec,
  fixedWindow,
  type UsageMeter,
  type WindowCount,
} from '../ports/usage-meter.js';

/** Options of {@link LocalAllowance}. */
export interface LocalAllowanceOptions {
  meter: UsageMeter;
  clock: Clock;
  /**
   * The block of a counter: how much one container may count without writing it (0: every
   * count is written at once; `Infinity`: written on age only). A limited counter is counted
   * locally only while the container sees at least a block left under the limit.
   */
  blockOf: (counter: CounterSpec) => number;
  /** Counts kept locally are written once they are this old (default 10 s). */
  maxAgeMs?: number;
  /** Told about a background write that failed (its counts are kept and written later). */
  onError?: (error: unknown) => void;
}

/** Options of {@link LocalAllowance.take}. */
export interface TakeOptions {
  /**
   * The shared count was just read for this take ({@link LocalAllowance.learn}): a take within
   * a block of the limit is then decided without a write of its own, the count written at once
   * in the background. It stays one of the container's block of unacknowledged counts, so the
   * overshoot bound holds; a block of 0 still makes it the conditional write.
   */
  justRead?: boolean;
}

/** One counter's window as this container sees it. */
interface WindowView {
  tenantId: string;
  counter: CounterSpec;
  start: Date;
  end: Date;
  /** The shared count as last read or written; undefined until then. */
  shared: number | undefined;
  /** Counted here, not written yet. */
  pending: number;
  /** Being written now (pending + in flight: what the shared counter has not acknowledged). */
  inFlight: number;
  /** When the oldest pending count was made. */
  pendingSince: number | undefined;
  /** The background write under way, if any. */
  writing: Promise<void> | undefined;
  /** When the shared count was last learnt (ms). */
  syncedAt: number | undefined;
}

/**
 * A container's local allowance over the shared {@link UsageMeter} counters, so that a
 * tenant well under its limits costs no DynamoDB round trip per request: counts are made in
 * memory and written in the background (one `ADD` per counter) once they reach the counter's
 * block or are `maxAgeMs` old; each write returns the shared count, which keeps this
 * container's view of the other containers' use current.
 *
 * A limited take is counted locally only while the container's view leaves at least a block
 * under the limit and its count not yet acknowledged by the shared counter (pending, or being
 * written) stays within a block; otherwise (the first take of a window, near the limit, or a
 * block spent before its write came back) it is the meter's atomic conditional take, with the
 * unwritten count carried in it. The one exception is a take right after the container read
 * the shared count ({@link learn}, a container's first request of a tenant): near the limit it
 * is decided on that count, so that the read is its only round trip. Each write returns the
 * shared count, so a container learns of the others' use at least once a block. So no
 * container ever admits more than a block the shared counter has not acknowledged: **the
 * overshoot of a limit is at most containers × block** (plus, for tokens, the answers in
 * flight, as they are counted after they end), and with a limit of at most a block every take
 * but those first ones is exact. Counts not yet written when a container is shut down
 * are lost from the counters: at most a block (or `maxAgeMs` of use) per counter and
 * container.
 *
 * Hand-written: no library keeps a distributed counter's local batch over DynamoDB.
 *
 * @example
 * const allowance = new LocalAllowance({ meter, clock, blockOf: () => 10 });
 * const count = await allowance.take('acme', REQUESTS, 1, 120);
 */
export class LocalAllowance {
  readonly #views = new Map<string, WindowView>();
  #lastSweep = 0;

  constructor(private readonly options: LocalAllowanceOptions) {}

  /**
   * Counts `amount` unless the count would exceed `limit`: locally when the container sees
   * the tenant a block under it and has less than a block not yet acknowledged by the shared
   * counter (pending or being written), else with one conditional write (its unwritten count
   * included). Right after {@link learn} (`justRead`), a take within a block of the limit is
   * also decided on the count just read: admitted locally and written at once, or refused
   * when the count read leaves no room.
   */
  async take(
    tenantId: string,
    counter: CounterSpec,
    amount: number,
    limit: number,
    options: TakeOptions = {},
  ): Promise<WindowCount> {
    const view = this.#view(tenantId, counter);
    const block = this.options.blockOf(counter);
    const seen = this.#seen(view);
    if (view.shared !== undefined && block > 0 && view.pending + view.inFlight + amount <= block) {
      if (seen + amount <= limit - block) {
        this.#count(view, amount, block);
        return { allowed: true, used: seen + amount, resetAt: view.end };
      }
      if (options.justRead && seen + amount <= limit) {
        this.#count(view, amount, block);
        void this.#write(view);
        return { allowed: true, used: seen + amount, resetAt: view.end };
      }
    }
    if (options.justRead && view.shared !== undefined && view.shared + amount > limit) {
      return { allowed: false, used: limit, resetAt: view.end };
    }
    const carried = view.pending;
    view.pending = 0;
    view.pendingSince = undefined;
    view.inFlight += carried;
    let count: WindowCount;
    try {
      count = await this.options.meter.take(tenantId, counter, carried + amount, limit);
    } catch (error) {
      this.#keep(view, carried);
      throw error;
    } finally {
      view.inFlight -= carried;
    }
    if (count.allowed) {
      view.shared = Math.max(view.shared ?? 0, count.used);
      view.syncedAt = this.options.clock.now().getTime();
      return { allowed: true, used: this.#seen(view), resetAt: view.end };
    }
    // The count is past `limit - carried - amount`: near enough that the next takes are exact.
    view.shared = Math.max(view.shared ?? 0, limit - carried - amount + 1);
    this.#keep(view, carried);
    if (carried > 0) void this.#write(view);
    return { allowed: false, used: limit, resetAt: view.end };
  }

  /**
   * Counts spent usage locally; written in the background once due (half a block, or `maxAgeMs`),
   * at once when `limit` is given and the container has not seen the count yet or sees the
   * tenant within a block of the limit (so the other containers learn of it soon).
   *
   * @returns the count as this container sees it
   */
  add(tenantId: string, counter: CounterSpec, amount: number, limit?: number): WindowCount {
    const view = this.#view(tenantId, counter);
    const block = this.options.blockOf(counter);
    this.#count(view, amount, block);
    const seen = this.#seen(view);
    if (
      limit !== undefined &&
      ((view.shared === undefined && !view.writing) || seen > limit - block)
    ) {
      void this.#write(view);
    }
    return { allowed: true, used: seen, resetAt: view.end };
  }

  /**
   * Takes a count read from the shared counter (consistently) at `at` as this container's view
   * of that window, so that the next takes and checks are decided without a round trip.
   */
  learn(tenantId: string, counter: CounterSpec, used: number, at: Date): void {
    const view = this.#view(tenantId, counter, at);
    view.shared = Math.max(view.shared ?? 0, used);
    view.syncedAt = this.options.clock.now().getTime();
  }

  /** The count as this container sees it (no round trip). */
  seen(tenantId: string, counter: CounterSpec): WindowCount {
    const view = this.#view(tenantId, counter);
    return { allowed: true, used: this.#seen(view), resetAt: view.end };
  }

  /**
   * Brings the count up to date (writing what is pending, reading the shared count) unless
   * the container sees the tenant at least a block under `limit`, or learnt the count less
   * than `maxStalenessMs` ago. A window not seen yet, or a block of 0, is always brought up
   * to date. Meant to run beside another round trip, or alone when a decision needs it.
   */
  async refresh(
    tenantId: string,
    counter: CounterSpec,
    limit: number,
    maxStalenessMs = 1_000,
  ): Promise<void> {
    const view = this.#view(tenantId, counter);
    const block = this.options.blockOf(counter);
    if (view.shared !== undefined && block > 0) {
      if (this.#seen(view) <= limit - block) return;
      const now = this.options.clock.now().getTime();
      if (view.syncedAt !== undefined && now - view.syncedAt < maxStalenessMs) return;
    }
    await this.#write(view);
  }

  /** Writes every count kept locally and waits for every write under way. */
  async flush(): Promise<void> {
    for (let round = 0; round < 3; round += 1) {
      const views = [...this.#views.values()].filter((view) => view.pending > 0 || view.writing);
      if (views.length === 0) return;
      await Promise.all(views.map((view) => this.#write(view)));
    }
  }

  #seen(view: WindowView): number {
    return (view.shared ?? 0) + view.inFlight + view.pending;
  }

  #count(view: WindowView, amount: number, block: number): void {
    view.pending += amount;
    view.pendingSince ??= this.options.clock.now().getTime();
    // Written at half a block, so that the write is back before the block is spent.
    if (view.pending >= Math.ceil(block / 2)) void this.#write(view);
  }

  #keep(view: WindowView, amount: number): void {
    if (amount === 0) return;
    view.pending += amount;
    view.pendingSince ??= this.options.clock.now().getTime();
  }

  /** Writes the view's pending count (or reads the count, when nothing is pending). */
  #write(view: WindowView): Promise<void> {
    if (view.writing) {
      return view.writing.then(() => (view.pending > 0 ? this.#write(view) : undefined));
    }
    const amount = view.pending;
    view.pending = 0;
    view.pendingSince = undefined;
    view.inFlight += amount;
    const { meter } = this.options;
    const written =
      amount > 0
        ? meter.add(view.tenantId, view.counter, amount, view.start).then((count) => count.used)
        : meter.read(view.tenantId, view.counter, view.start);
    view.writing = written
      .then(
        (used) => {
          view.inFlight -= amount;
          view.shared = Math.max(view.shared ?? 0, used);
          view.syncedAt = this.options.clock.now().getTime();
        },
        (error: unknown) => {
          view.inFlight -= amount;
          this.#keep(view, amount);
          this.options.onError?.(error);
        },
      )
      .finally(() => {
        view.writing = undefined;
      });
    return view.writing;
  }

  #view(tenantId: string, counter: CounterSpec, at?: Date): WindowView {
    const now = this.options.clock.now();
    this.#sweep(now.getTime());
    const window = fixedWindow(at ?? now, counter.windowSeconds);
    const key = `${tenantId}\u0000${counter.name}\u0000${window.start.getTime()}`;
    let view = this.#views.get(key);
    if (!view) {
      view = {
        tenantId,
        counter,
        ...window,
        shared: undefined,
        pending: 0,
        inFlight: 0,
        pendingSince: undefined,
        writing: undefined,
        syncedAt: undefined,
      };
      this.#views.set(key, view);
    }
    return view;
  }

  /** Writes counts past their age or window; forgets windows that ended with nothing pending. */
  #sweep(now: number): void {
    const maxAgeMs = this.options.maxAgeMs ?? 10_000;
    if (now - this.#lastSweep < Math.min(maxAgeMs, 1_000)) return;
    this.#lastSweep = now;
    for (const [key, view] of this.#views) {
      const ended = view.end.getTime() <= now;
      const old = view.pendingSince !== undefined && now - view.pendingSince >= maxAgeMs;
      if (view.pending > 0 && (ended || old)) void this.#write(view);
      else if (ended && view.pending === 0 && !view.writing) this.#views.delete(key);
    }
  }
}
