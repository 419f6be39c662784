/** What one embedding request may carry, as the provider documents it. */
export interface EmbeddingLimits {
  maxInputsPerRequest: number;
  maxTokensPerRequest: number;
}

/** Result of {@link Embedder.embed}: one vector per input, in order. */
export interface Embeddings {
  vectors: number[][];
  promptTokens: number;
}

/** Port for a text embedding model. */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly limits: EmbeddingLimits;
  embed(texts: string[], options?: { signal?: AbortSignal }): Promise<Embeddings>;
}
