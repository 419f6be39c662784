/**
 * The `k` best of a stream of items under `compare` (negative: the first is better), kept in
 * order while the stream passes. A query scores every passage of a tenant but cites a few
 * dozen: sorting thousands of scores to keep fifty cost more than the scoring itself. Hand-
 * written because it is a dozen lines and no standard library selects the top `k` in one pass.
 *
 * @example
 * const best = new TopK<number>(2, (a, b) => b - a);
 * for (const value of [3, 9, 1, 7]) best.offer(value);
 * best.items; // [9, 7]
 */
export class TopK<T> {
  readonly items: T[] = [];
  readonly #k: number;
  readonly #compare: (a: T, b: T) => number;

  constructor(k: number, compare: (a: T, b: T) => number) {
    this.#k = Math.max(0, k);
    this.#compare = compare;
  }

  /** Whether an item would be kept: the list is not full, or it beats the worst kept. */
  wouldKeep(item: T): boolean {
    const worst = this.items.at(-1);
    return this.items.length < this.#k || (worst !== undefined && this.#compare(item, worst) < 0);
  }

  /** Keeps `item` if it is among the `k` best so far. */
  offer(item: T): void {
    if (!this.wouldKeep(item)) return;
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#compare(this.items[middle]!, item) <= 0) low = middle + 1;
      else high = middle;
    }
    this.items.splice(low, 0, item);
    if (this.items.length > this.#k) this.items.pop();
  }
}
