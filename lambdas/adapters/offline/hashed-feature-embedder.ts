import type { Embedder, EmbeddingLimits, Embeddings } from '../../core/ports/embedder.js';
import { lexicalTerms } from '../../core/retrieval/lexical-terms.js';
import { TimeSlicer } from '../../core/text/work-steps.js';
import { estimateTokens } from './estimate-tokens.js';
import { OFFLINE_EMBEDDING_MODEL } from './offline-embedding-model.js';

/** Options of {@link HashedFeatureEmbedder}. */
export interface HashedFeatureEmbedderOptions {
  /** Vector size (default {@link OFFLINE_EMBEDDING_DIMENSIONS}). */
  dimensions?: number;
}

/**
 * The default vector size: with a few hundred distinct terms per passage, 4096 buckets keep
 * most of a question's terms clear of collisions with a passage's other terms (512 and 2048
 * buckets ranked worse on the tuning half of `eval/dataset.json`).
 */
export const OFFLINE_EMBEDDING_DIMENSIONS = 4096;

/**
 * How many times a text's title line counts: a chunk opens with its heading path on a line of
 * its own ("Request Files › Optional File Upload", then a blank line), which says what the
 * passage is about more than a word it mentions in passing (chosen among 1–3 on the tuning half).
 */
const TITLE_WEIGHT = 2;

/**
 * Weight of a pair of adjacent terms against a single term: a pair ("path parameter") is more
 * specific than its words. On the tuning half, pair weights 0 to 0.75 ranked within one
 * question of each other in hybrid search (1 ranked worse); 0.75 is the lowest that still puts
 * a passage about "path parameters" before one that mentions both words apart.
 */
const PAIR_WEIGHT = 0.75;

const fnv1a = (text: string, seed = 0x811c9dc5): number => {
  let hash = seed;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

const SIGN_SEED = 0x9e3779b9;

/**
 * A text's title line and body: the first line when a blank line follows it (a chunk's heading
 * path), else no title (a question, or a follow-up with the question before it).
 */
const titleAndBody = (text: string): [title: string, body: string] => {
  const end = text.indexOf('\n\n');
  if (end <= 0 || text.slice(0, end).includes('\n')) return ['', text];
  return [text.slice(0, end), text.slice(end + 2)];
};

/**
 * The weighted counts of a text's features: its {@link lexicalTerms} (the BM25 tokenizer's, so
 * an identifier counts whole and by its parts on both sides of hybrid search) and pairs of
 * adjacent terms, those of the title line counting {@link TITLE_WEIGHT} times.
 */
const termCounts = (text: string): Map<string, number> => {
  const [title, body] = titleAndBody(text);
  const counts = new Map<string, number>();
  const add = (words: string, weight: number) => {
    const terms = lexicalTerms(words);
    terms.forEach((term, index) => {
      counts.set(term, (counts.get(term) ?? 0) + weight);
      const next = terms[index + 1];
      if (next !== undefined) {
        const pair = `${term} ${next}`;
        counts.set(pair, (counts.get(pair) ?? 0) + weight);
      }
    });
  };
  add(title, TITLE_WEIGHT);
  add(body, 1);
  return counts;
};

/**
 * An offline {@link Embedder}: deterministic hashed-feature vectors, no model and no network.
 *
 * Each text becomes its lexical terms (the tokenizer of BM25: lower-cased, accents folded, stop
 * words dropped, light stemming, an identifier both whole and split) and pairs of adjacent
 * terms, each weighted by its sublinear frequency `1 + ln(count)` (a chunk's title line
 * counting double, a pair {@link PAIR_WEIGHT}), hashed with a
 * sign into `dimensions` buckets (the "hashing trick") and L2-normalised. Texts that share
 * terms get a high cosine. Unlike BM25 it knows no corpus statistics (no IDF) and normalises
 * by the whole vector's length, so it orders passages differently, which is what hybrid search
 * fuses. It knows no synonyms: it matches words, not meanings.
 *
 * @example
 * const embedder = new HashedFeatureEmbedder();
 * const { vectors } = await embedder.embed(['How do I declare path parameters?']);
 */
export class HashedFeatureEmbedder implements Embedder {
  readonly model = OFFLINE_EMBEDDING_MODEL;
  readonly dimensions: number;
  readonly limits: EmbeddingLimits = Object.freeze({
    maxInputsPerRequest: 4096,
    maxTokensPerRequest: 4_000_000,
  });

  constructor(options: HashedFeatureEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? OFFLINE_EMBEDDING_DIMENSIONS;
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Embeddings> {
    options.signal?.throwIfAborted();
    // Thousands of texts take a while: yield every few ms, so a big document does not hold
    // the local stack's one thread (and the deadline can stop it).
    const slicer = new TimeSlicer();
    const vectors: number[][] = [];
    for (const text of texts) {
      vectors.push(this.vector(text));
      await slicer.pause(options.signal);
    }
    return {
      vectors,
      promptTokens: texts.reduce((sum, text) => sum + estimateTokens(text), 0),
    };
  }

  /** The vector of one text (synchronous; `embed` maps it over its inputs). */
  vector(text: string): number[] {
    const vector = new Array<number>(this.dimensions).fill(0);
    const counts = termCounts(text);
    if (counts.size === 0) counts.set(`\u0000${text.trim()}`, 1);
    for (const [term, count] of counts) {
      const bucket = fnv1a(term) % this.dimensions;
      const sign = fnv1a(term, SIGN_SEED) & 1 ? 1 : -1;
      vector[bucket] =
        (vector[bucket] ?? 0) +
        sign * (1 + Math.log(count)) * (term.includes(' ') ? PAIR_WEIGHT : 1);
    }
    let squares = 0;
    for (const value of vector) squares += value * value;
    const norm = Math.sqrt(squares);
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}
