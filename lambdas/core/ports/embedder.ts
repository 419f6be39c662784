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

/** Options of {@link Embedder.embed}. */
export interface EmbedOptions {
  signal?: AbortSignal;
  /**
   * Awaited before each request the embedder sends to its provider, with that request's inputs
   * as sent (cut to the model's input limit, a part of a refused request): every request, a
   * refused one and each resend included, so that a rate limiter counts what the provider
   * counts. An embedder that sends no requests never calls it.
   */
  beforeRequest?: (inputs: readonly string[]) => Promise<void>;
}

/** Port for a text embedding model. */
export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly limits: EmbeddingLimits;
  embed(texts: string[], options?: EmbedOptions): Promise<Embeddings>;
}
