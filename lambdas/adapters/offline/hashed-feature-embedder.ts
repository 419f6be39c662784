import type { Embedder, EmbeddingLimits, Embeddings } from '../../core/ports/embedder.js';
import { TimeSlicer } from '../../core/text/work-steps.js';
import { estimateTokens } from './estimate-tokens.js';
import { textFeatures } from './text-features.js';

/** Options of {@link HashedFeatureEmbedder}. */
export interface HashedFeatureEmbedderOptions {
  /** Vector size (default 512). */
  dimensions?: number;
}

const fnv1a = (text: string, seed = 0x811c9dc5): number => {
  let hash = seed;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

const SIGN_SEED = 0x9e3779b9;

/** Word pairs are rarer and more specific than single words: they weigh double. */
const BIGRAM_WEIGHT = 2;

/**
 * An offline {@link Embedder}: deterministic hashed-feature vectors, no model and no network.
 *
 * Each text becomes its word unigrams and adjacent word pairs (lower-cased, punctuation and
 * stop words dropped, endings folded), weighted `1 + ln(count)` (word pairs double), hashed
 * with a sign into `dimensions` buckets (the "hashing trick") and L2-normalised. Texts that
 * share words, and more so word pairs, get a high cosine: a question about "path parameters"
 * finds the chunk about path parameters. It knows no synonyms: it matches words, not meanings.
 *
 * @example
 * const embedder = new HashedFeatureEmbedder();
 * const { vectors } = await embedder.embed(['How do I declare path parameters?']);
 */
export class HashedFeatureEmbedder implements Embedder {
  readonly model = 'offline-hashed-features';
  readonly dimensions: number;
  readonly limits: EmbeddingLimits = Object.freeze({
    maxInputsPerRequest: 4096,
    maxTokensPerRequest: 4_000_000,
  });

  constructor(options: HashedFeatureEmbedderOptions = {}) {
    this.dimensions = options.dimensions ?? 512;
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
    const features = textFeatures(text);
    if (features.size === 0) features.set(`\u0000${text.trim()}`, 1);
    for (const [feature, count] of features) {
      const bucket = fnv1a(feature) % this.dimensions;
      const sign = fnv1a(feature, SIGN_SEED) & 1 ? 1 : -1;
      const weight = (1 + Math.log(count)) * (feature.includes(' ') ? BIGRAM_WEIGHT : 1);
      vector[bucket] = (vector[bucket] ?? 0) + sign * weight;
    }
    const norm = Math.hypot(...vector);
    return norm === 0 ? vector : vector.map((value) => value / norm);
  }
}
