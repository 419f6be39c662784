import { createHash } from 'node:crypto';
import type {
  Embedder,
  EmbeddingLimits,
  Embeddings,
} from '../../../lambdas/core/ports/embedder.js';

/**
 * A deterministic {@link Embedder}: each text's vector is derived from its SHA-256, so equal
 * texts get equal vectors. Records every call and can be told to fail the next ones.
 */
export class FakeEmbedder implements Embedder {
  readonly model = 'fake-embedding';
  readonly dimensions: number;
  readonly limits: EmbeddingLimits;
  /** The inputs of every call, in order. */
  readonly calls: string[][] = [];
  /** What the next calls do, in order: throw the error, or succeed for `null`. */
  readonly failures: (Error | null)[] = [];
  /** Runs at the start of every call, before it succeeds or fails (to act mid-indexing). */
  onCall: ((texts: string[]) => Promise<void> | void) | undefined;

  constructor(options: { dimensions?: number; limits?: Partial<EmbeddingLimits> } = {}) {
    this.dimensions = options.dimensions ?? 8;
    this.limits = { maxInputsPerRequest: 2048, maxTokensPerRequest: 300_000, ...options.limits };
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Embeddings> {
    options.signal?.throwIfAborted();
    this.calls.push([...texts]);
    await this.onCall?.(texts);
    const failure = this.failures.shift();
    if (failure) throw failure;
    return {
      vectors: texts.map((text) => this.vectorOf(text)),
      promptTokens: texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0),
    };
  }

  /** The vector this embedder gives a text. */
  vectorOf(text: string): number[] {
    const digest = createHash('sha256').update(text).digest();
    return Array.from(
      { length: this.dimensions },
      (_, i) => digest[i % digest.length]! / 255 - 0.5,
    );
  }
}
