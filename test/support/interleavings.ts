import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';

/** One decision of a run: which actor went, and which others could have gone instead. */
interface Decision {
  chosen: string;
  runnable: string[];
  label: string;
}

/** What a scenario hands the explorer for one run. */
export interface RunPlan {
  /** The concurrent work, by actor name; each actor's gated calls are interleaved. */
  actors: Record<string, () => Promise<unknown>>;
  /** Checks the state once every actor has finished; throws when an invariant is broken. */
  check(outcomes: Record<string, Outcome>): Promise<void>;
}

/** How an actor's work ended. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Builds a fresh world for one run; `gate` wraps the ports whose calls are interleaved. */
export type Scenario = (gate: <T extends object>(target: T, name: string) => T) => Promise<RunPlan>;

const actorOf = new AsyncLocalStorage<string>();

/** Gives the blocked actors' order: the explorer tries every order, one run each. */
class Run {
  readonly decisions: Decision[] = [];
  readonly #waiting = new Map<string, { label: string; go: () => void }>();
  readonly #finished = new Set<string>();

  constructor(private readonly forced: readonly string[]) {}

  /** Called by a gated port method: waits until the scheduler lets this actor go. */
  turn(label: string): Promise<void> {
    const actor = actorOf.getStore();
    if (actor === undefined) return Promise.resolve();
    return new Promise((go) => this.#waiting.set(actor, { label: `${actor}:${label}`, go }));
  }

  finish(actor: string): void {
    this.#finished.add(actor);
  }

  /** Releases one blocked actor at a time until every actor has finished. */
  async schedule(actors: string[]): Promise<void> {
    for (;;) {
      await this.#quiesce(actors.length);
      if (this.#finished.size === actors.length) return;
      const runnable = actors.filter((actor) => this.#waiting.has(actor));
      const forced = this.forced[this.decisions.length];
      const chosen = forced !== undefined && runnable.includes(forced) ? forced : runnable[0]!;
      const waiting = this.#waiting.get(chosen)!;
      this.#waiting.delete(chosen);
      this.decisions.push({ chosen, runnable, label: waiting.label });
      waiting.go();
    }
  }

  /** Waits until every live actor is blocked at a gate (the ports are in-memory fakes). */
  async #quiesce(actors: number): Promise<void> {
    for (let spins = 0; spins < 10_000; spins += 1) {
      if (this.#waiting.size + this.#finished.size === actors) return;
      await nextMacrotask();
    }
    throw new Error('an actor neither finished nor reached a gate');
  }
}

/**
 * Systematic concurrency testing: runs a scenario once per interleaving of its actors' port
 * calls and checks its invariants after each. Every method call on a `gate`d object is a step;
 * between steps an actor runs alone. A depth-first search over the choices made at each step
 * (stateless model checking) visits every distinct interleaving exactly once. Meant for the
 * in-memory fakes, whose calls settle within a macrotask.
 *
 * Returns the number of interleavings explored; a broken invariant throws an error naming the
 * interleaving (`index:documents.get → delete:documents.markDeleting → …`).
 *
 * @example
 * const runs = await exploreInterleavings(async (gate) => {
 *   const documents = gate(new InMemoryDocumentStore(), 'documents');
 *   return { actors: { a: () => work(documents), b: () => other(documents) }, check: async () => {} };
 * });
 */
export const exploreInterleavings = async (
  scenario: Scenario,
  options: { maxRuns?: number } = {},
): Promise<number> => {
  const pending: string[][] = [[]];
  let runs = 0;
  while (pending.length > 0) {
    const forced = pending.pop()!;
    const run = new Run(forced);
    const gate = <T extends object>(target: T, name: string): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          const value = Reflect.get(object, property, receiver);
          if (typeof value !== 'function') return value;
          return async (...args: unknown[]) => {
            await run.turn(`${name}.${String(property)}`);
            return value.apply(object, args);
          };
        },
      });
    const plan = await scenario(gate);
    const names = Object.keys(plan.actors);
    const outcomes: Record<string, Outcome> = {};
    const work = names.map((name) =>
      actorOf.run(name, async () => {
        try {
          outcomes[name] = { ok: true, value: await plan.actors[name]!() };
        } catch (error) {
          outcomes[name] = { ok: false, error };
        } finally {
          run.finish(name);
        }
      }),
    );
    await run.schedule(names);
    await Promise.all(work);
    runs += 1;
    const trace = run.decisions.map((decision) => decision.label).join(' → ');
    try {
      await plan.check(outcomes);
    } catch (error) {
      throw new Error(`invariant broken after: ${trace}\n${(error as Error).message}`, {
        cause: error,
      });
    }
    if (runs >= (options.maxRuns ?? 100_000)) break;
    for (let step = run.decisions.length - 1; step >= forced.length; step -= 1) {
      const decision = run.decisions[step]!;
      const prefix = run.decisions.slice(0, step).map((d) => d.chosen);
      for (const other of decision.runnable) {
        if (other !== decision.chosen) pending.push([...prefix, other]);
      }
    }
  }
  return runs;
};
