import type OpenAI from 'openai';
import { DependencyError, misconfigured } from '../../core/dependency-error.js';
import { embeddingBatches } from '../../core/ingestion/embedding-batches.js';
import type { Embedder, EmbeddingLimits, Embeddings } from '../../core/ports/embedder.js';
import { decodeFloat32Numbers } from '../encoding/float32-base64.js';
import { toOpenAiFailure } from './openai-errors.js';
import { upperBoundTokens, withinTokens } from './upper-bound-tokens.js';

/**
 * What one `POST /embeddings` request may carry. From the published OpenAPI description
 * (`CreateEmbeddingRequest.input`, ../shared/specs/openai-openapi.json): "any array must be 2048
 * dimensions or less" (`maxItems: 2048`) and "all embedding models enforce a maximum of 300,000
 * tokens summed across all inputs in a single request". Each input is further limited to
 * {@link MAX_INPUT_TOKENS}.
 */
export const OPENAI_EMBEDDING_LIMITS: EmbeddingLimits = Object.freeze({
  maxInputsPerRequest: 2048,
  maxTokensPerRequest: 300_000,
});

/**
 * Tokens of one embedding input (the embedding models' context). The chunker's chunks stay far
 * under it; a question may not (8 000 characters of Tamil are 11 000 tokens), and is embedded by
 * its start: enough to retrieve with, where the whole was refused (a 502 for a valid question).
 */
export const MAX_INPUT_TOKENS = 8_192;

/** Options of {@link OpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** Embedding model, e.g. `text-embedding-3-small`. */
  model: string;
  /** Size of every vector; must match the vector store's collection. */
  dimensions: number;
  /**
   * Whether to send `dimensions` in the request. Default: only for `text-embedding-3*` models,
   * the ones documented to accept it (OpenAI-compatible servers often reject it).
   */
  sendDimensions?: boolean;
  /** Overrides the provider's request limits (default {@link OPENAI_EMBEDDING_LIMITS}). */
  limits?: EmbeddingLimits;
}

/** Whether every value of a vector is a finite number (one pass, no callback per value). */
const allFinite = (vector: ArrayLike<number>): boolean => {
  for (let index = 0; index < vector.length; index += 1) {
    if (!Number.isFinite(vector[index])) return false;
  }
  return true;
};

/**
 * {@link Embedder} on the `openai` SDK (`POST /embeddings`). Inputs beyond one request's limits
 * are split into consecutive requests; vectors come back in input order. Vectors travel as
 * base64 (a quarter of the JSON size), decoded here ({@link decodeFloat32Numbers}); a server
 * that answers with JSON numbers anyway is accepted too.
 *
 * Failures that survive the SDK's retries become {@link DependencyError}s naming `openai`;
 * an abort through `options.signal` propagates unchanged.
 *
 * @example
 * const embedder = new OpenAiEmbedder(new OpenAI({ timeout: 20_000, maxRetries: 2 }), {
 *   model: 'text-embedding-3-small',
 *   dimensions: 1536,
 * });
 * const { vectors } = await embedder.embed(['What are path parameters?']);
 */
export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  readonly limits: EmbeddingLimits;
  readonly #client: OpenAI;
  readonly #sendDimensions: boolean;

  constructor(client: OpenAI, options: OpenAiEmbedderOptions) {
    this.#client = client;
    this.model = options.model;
    this.dimensions = options.dimensions;
    this.limits = options.limits ?? OPENAI_EMBEDDING_LIMITS;
    this.#sendDimensions = options.sendDimensions ?? options.model.startsWith('text-embedding-3');
  }

  async embed(texts: string[], options: { signal?: AbortSignal } = {}): Promise<Embeddings> {
    const blank = texts.findIndex((text) => text.trim() === '');
    if (blank >= 0) throw new RangeError(`cannot embed a blank text (input ${blank})`);
    const vectors: number[][] = [];
    let promptTokens = 0;
    const inputs = texts.map((text) => withinTokens(text, MAX_INPUT_TOKENS));
    for (const batch of embeddingBatches(inputs, this.limits, upperBoundTokens)) {
      const result = await this.#request(batch, options.signal);
      vectors.push(...result.vectors);
      promptTokens += result.promptTokens;
    }
    return { vectors, promptTokens };
  }

  async #request(input: string[], signal?: AbortSignal): Promise<Embeddings> {
    let response: Omit<OpenAI.Embeddings.CreateEmbeddingResponse, 'data'> & {
      data: { index: number; embedding: string | number[] }[];
    };
    try {
      response = await this.#client.embeddings.create(
        {
          model: this.model,
          input,
          encoding_format: 'base64',
          ...(this.#sendDimensions ? { dimensions: this.dimensions } : {}),
        },
        { signal: signal ?? null },
      );
    } catch (error) {
      throw toOpenAiFailure(error, 'embeddings', signal);
    }
    const data = [...response.data].sort((a, b) => a.index - b.index);
    if (data.length !== input.length) {
      throw new DependencyError(
        'openai',
        'bad-gateway',
        `embeddings: ${data.length} vectors for ${input.length} inputs`,
      );
    }
    // One vector per input, by its index: a repeated or missing index would pair a text with
    // another's vector.
    if (data.some((item, position) => item.index !== position)) {
      throw new DependencyError(
        'openai',
        'bad-gateway',
        'embeddings: the vectors do not answer each input once',
      );
    }
    const vectors = data.map(({ embedding }) => {
      if (typeof embedding !== 'string') return embedding;
      try {
        return decodeFloat32Numbers(embedding);
      } catch {
        throw new DependencyError('openai', 'bad-gateway', 'embeddings: a vector is not float32');
      }
    });
    if (!vectors.every(allFinite)) {
      throw new DependencyError('openai', 'bad-gateway', 'embeddings: a vector is not finite');
    }
    const wrong = vectors.find((vector) => vector.length !== this.dimensions);
    if (wrong !== undefined) {
      throw misconfigured(
        'openai',
        `embeddings: ${this.model} returned ${wrong.length} dimensions, ${this.dimensions} are configured (EMBEDDING_DIMENSIONS)`,
      );
    }
    return { vectors, promptTokens: response.usage?.prompt_tokens ?? 0 };
  }
}
