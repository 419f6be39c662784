import type { SparseVector } from '../../core/retrieval/sparse-vector.js';

/**
 * BM25's inverse document frequency as Qdrant's `idf` modifier computes it:
 * `ln(1 + (N − n + 0.5) / (n + 0.5))` for a term in `n` of `N` passages.
 */
export const inverseDocumentFrequency = (passages: number, withTerm: number): number =>
  Math.log(1 + (passages - withTerm + 0.5) / (withTerm + 0.5));

/**
 * An inverted index of one tenant's sparse passage vectors: for each term id, the passages
 * that contain it and their BM25 passage weights. A query touches only the postings of its
 * own terms, so it costs what those terms' passages cost, not a scan of every passage. The IDF
 * comes from this index alone: another tenant's passages never change it.
 */
export class LexicalIndex {
  readonly #postings = new Map<number, Map<string, number>>();
  readonly #passages = new Set<string>();

  /** Number of passages indexed. */
  get size(): number {
    return this.#passages.size;
  }

  /** Indexes a passage (after {@link remove} of its previous vector, when it had one). */
  add(id: string, vector: SparseVector): void {
    this.#passages.add(id);
    vector.indices.forEach((term, position) => {
      let posting = this.#postings.get(term);
      if (posting === undefined) {
        posting = new Map();
        this.#postings.set(term, posting);
      }
      posting.set(id, vector.values[position] ?? 0);
    });
  }

  /** Removes a passage indexed with `vector`. */
  remove(id: string, vector: SparseVector): void {
    this.#passages.delete(id);
    for (const term of vector.indices) {
      const posting = this.#postings.get(term);
      if (posting === undefined) continue;
      posting.delete(id);
      if (posting.size === 0) this.#postings.delete(term);
    }
  }

  /**
   * Scores the passages sharing a term with the query: the sum, over shared terms, of query
   * weight × IDF × passage weight (BM25). Best first, at most `limit`.
   */
  search(query: SparseVector, limit: number): Array<[string, number]> {
    const scores = new Map<string, number>();
    const total = this.#passages.size;
    query.indices.forEach((term, position) => {
      const posting = this.#postings.get(term);
      if (posting === undefined) return;
      const weight = (query.values[position] ?? 0) * inverseDocumentFrequency(total, posting.size);
      for (const [id, value] of posting) scores.set(id, (scores.get(id) ?? 0) + weight * value);
    });
    return [...scores]
      .filter(([, score]) => score > 0)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, Math.max(0, limit));
  }
}
