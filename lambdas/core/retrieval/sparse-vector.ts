import { lexicalTerms } from './lexical-terms.js';

/** A sparse vector as Qdrant takes it: unique `uint32` term ids and their weights. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** BM25's term-frequency saturation. */
const K1 = 1.2;
/** BM25's length normalisation. */
const B = 0.75;
/**
 * The average passage length (in terms) BM25 normalises against. A constant rather than the
 * live average, so a stored vector never needs recomputing as the corpus grows, and Qdrant
 * (which applies only the IDF part at query time) ranks exactly as the embedded store does.
 * Close to the chunker's passages (about 300 tokens, some 130 content terms).
 */
export const BM25_AVERAGE_TERMS = 130;

/** FNV-1a, 32 bits: a term's id in sparse vectors (collisions are rare and harmless for ranking). */
export const termId = (term: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < term.length; index += 1) {
    hash ^= term.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/**
 * How many more times a term of the chunk's heading path counts than a term of its body (the
 * path is also the chunk's first line, so it counts once more there): a passage under
 * "Request Files › Optional File Upload" is about those words more than about the words it
 * mentions in passing. Chosen on the tuning half of `eval/dataset.json` among 0 to 4.
 */
export const HEADING_BOOST = 3;

const counts = (terms: readonly string[], heading: readonly string[]): Map<number, number> => {
  const result = new Map<number, number>();
  for (const term of terms) {
    const id = termId(term);
    result.set(id, (result.get(id) ?? 0) + 1);
  }
  for (const term of heading) {
    const id = termId(term);
    result.set(id, (result.get(id) ?? 0) + HEADING_BOOST);
  }
  return result;
};

/**
 * The BM25 document side of a passage: each term's saturated, length-normalised frequency
 * `tf·(k1+1) / (tf + k1·(1−b+b·len/avg))`. Multiplied by the term's IDF at query time (the
 * store's statistics, Qdrant's `idf` modifier) and summed over the query's terms, it is BM25.
 * The terms of the chunk's heading path (its enclosing headings, outermost first) count
 * {@link HEADING_BOOST} times more, a field boost as in a search engine's title field.
 *
 * @example
 * passageVector('Path Parameters\n\nDeclare them with types.', ['Path Parameters']);
 */
export const passageVector = (text: string, headingPath: readonly string[] = []): SparseVector => {
  const terms = lexicalTerms(text);
  const heading = lexicalTerms(headingPath.join('\n'));
  const length = terms.length + HEADING_BOOST * heading.length;
  const norm = K1 * (1 - B + (B * length) / BM25_AVERAGE_TERMS);
  const indices: number[] = [];
  const values: number[] = [];
  for (const [id, tf] of counts(terms, heading)) {
    indices.push(id);
    values.push((tf * (K1 + 1)) / (tf + norm));
  }
  return { indices, values };
};

/**
 * The query side: each distinct term once, weighted (1 for the question's own words; less for
 * words borrowed from the conversation, see {@link weightedQueryVector}).
 *
 * @example
 * queryVector('UploadFile size'); // three or four ids, each weighing 1
 */
export const queryVector = (text: string): SparseVector =>
  weightedQueryVector([{ text, weight: 1 }]);

/**
 * A query vector from several texts of different weights; a term present in several keeps its
 * highest weight.
 */
export const weightedQueryVector = (
  parts: ReadonlyArray<{ text: string; weight: number }>,
): SparseVector => {
  const weights = new Map<number, number>();
  for (const { text, weight } of parts) {
    for (const term of lexicalTerms(text)) {
      const id = termId(term);
      weights.set(id, Math.max(weights.get(id) ?? 0, weight));
    }
  }
  return { indices: [...weights.keys()], values: [...weights.values()] };
};
