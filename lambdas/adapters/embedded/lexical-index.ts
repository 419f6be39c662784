import type { SparseVector } from '../../core/retrieval/sparse-vector.js';
import { TopK } from './top-k.js';

/**
 * BM25's inverse document frequency as Qdrant's `idf` modifier computes it:
 * `ln(1 + (N − n + 0.5) / (n + 0.5))` for a term in `n` of `N` passages.
 */
export const inverseDocumentFrequency = (passages: number, withTerm: number): number =>
  Math.log(1 + (passages - withTerm + 0.5) / (withTerm + 0.5));

const bestFirst = (a: [string, number], b: [string, number]): number =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * An inverted index of one tenant's sparse passage vectors: for each term id, the passages
 * that contain it and their BM25 passage weights. A query touches only the postings of its
 * own terms, so it costs what those terms' passages cost, not a scan of every passage. The IDF
 * comes from this index alone: another tenant's passages never change it.
 *
 * Passages are numbered (slots, reused after removal) so that a query accumulates its scores
 * in a flat array rather than a map keyed by id, and keeps the best `limit` in one pass.
 */
export class LexicalIndex {
  readonly #postings = new Map<number, Map<number, number>>();
  readonly #slots = new Map<string, number>();
  readonly #ids: Array<string | undefined> = [];
  readonly #free: number[] = [];
  #scores = new Float64Array(0);
  #touched = new Uint8Array(0);

  /** Number of passages indexed. */
  get size(): number {
    return this.#slots.size;
  }

  /** Indexes a passage (after {@link remove} of its previous vector, when it had one). */
  add(id: string, vector: SparseVector): void {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#free.pop() ?? this.#ids.length;
      this.#slots.set(id, slot);
      this.#ids[slot] = id;
    }
    vector.indices.forEach((term, position) => {
      let posting = this.#postings.get(term);
      if (posting === undefined) {
        posting = new Map();
        this.#postings.set(term, posting);
      }
      posting.set(slot, vector.values[position] ?? 0);
    });
  }

  /** Removes a passage indexed with `vector`. */
  remove(id: string, vector: SparseVector): void {
    const slot = this.#slots.get(id);
    if (slot === undefined) return;
    this.#slots.delete(id);
    this.#ids[slot] = undefined;
    this.#free.push(slot);
    for (const term of vector.indices) {
      const posting = this.#postings.get(term);
      if (posting === undefined) continue;
      posting.delete(slot);
      if (posting.size === 0) this.#postings.delete(term);
    }
  }

  /**
   * Scores the passages sharing a term with the query: the sum, over shared terms, of query
   * weight × IDF × passage weight (BM25). Best first (ties by id), at most `limit`.
   */
  search(query: SparseVector, limit: number): Array<[string, number]> {
    if (this.#scores.length < this.#ids.length) {
      this.#scores = new Float64Array(this.#ids.length * 2);
      this.#touched = new Uint8Array(this.#ids.length * 2);
    }
    const scores = this.#scores;
    const touched = this.#touched;
    const hit: number[] = [];
    const total = this.#slots.size;
    query.indices.forEach((term, position) => {
      const posting = this.#postings.get(term);
      if (posting === undefined) return;
      const weight = (query.values[position] ?? 0) * inverseDocumentFrequency(total, posting.size);
      for (const [slot, value] of posting) {
        if (touched[slot] === 0) {
          touched[slot] = 1;
          hit.push(slot);
        }
        scores[slot]! += weight * value;
      }
    });
    const best = new TopK<[string, number]>(limit, bestFirst);
    for (const slot of hit) {
      const score = scores[slot]!;
      if (score > 0) best.offer([this.#ids[slot]!, score]);
      scores[slot] = 0;
      touched[slot] = 0;
    }
    return best.items;
  }
}
