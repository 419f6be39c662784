import type OpenAI from 'openai';
import { DependencyError, misconfigured } from '../../core/dependency-error.js';
import { embeddingBatches } from '../../core/ingestion/embedding-batches.js';
import type {
  Embedder,
  EmbeddingLimits,
  Embeddings,
  EmbedOptions,
} from '../../core/ports/embedder.js';
import { likelyTokens } from '../../core/text/likely-tokens.js';
import { utf8Length } from '../../core/text/utf8-length.js';
import { decodeFloat32Numbers } from '../encoding/float32-base64.js';
import { MAX_INPUT_TOKENS } from './max-input-tokens.js';
import { toOpenAiFailure } from './openai-errors.js';
import { tokensPerRequestRefusal } from './tokens-per-request-refusal.js';
import { withinTokens } from './within-tokens.js';

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

/** How full of the provider's token limit a refused request's parts are planned to be. */
const SPLIT_FILL = 0.9;

/**
 * `items` cut, in order, into at most `parts` runs of about equal UTF-8 size: an item goes to
 * the run its middle falls in. Two or more items always make two or more runs.
 */
const splitBySize = (items: readonly string[], parts: number): string[][] => {
  const sizes = items.map(utf8Length);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  const runs: string[][] = [];
  let run: string[] = [];
  let before = 0;
  for (const [index, item] of items.entries()) {
    const middle = before + sizes[index]! / 2;
    if (run.length > 0 && runs.length + 1 < parts && middle > (total * (runs.length + 1)) / parts) {
      runs.push(run);
      run = [];
    }
    run.push(item);
    before += sizes[index]!;
  }
  runs.push(run);
  return runs;
};

/**
 * {@link Embedder} on the `openai` SDK (`POST /embeddings`). Inputs beyond one request's limits
 * are split into consecutive requests, packed by {@link likelyTokens}; a request the provider
 * refuses for holding too many tokens (`max_tokens_per_request`) is split into parts sized by
 * the count it names and sent again. Each request, the refused one and its parts included, is
 * announced to `options.beforeRequest` with its inputs as sent (each cut to
 * {@link MAX_INPUT_TOKENS}) before it goes; the SDK's own retries of a request are not announced
 * again (the indexer's client makes none). Vectors come back in input order. Vectors travel as
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

  async embed(texts: string[], options: EmbedOptions = {}): Promise<Embeddings> {
    const blank = texts.findIndex((text) => text.trim() === '');
    if (blank >= 0) throw new RangeError(`cannot embed a blank text (input ${blank})`);
    const vectors: number[][] = [];
    let promptTokens = 0;
    const inputs = texts.map((text) => withinTokens(text, MAX_INPUT_TOKENS));
    for (const batch of embeddingBatches(inputs, this.limits, likelyTokens)) {
      const result = await this.#request(batch, options);
      vectors.push(...result.vectors);
      promptTokens += result.promptTokens;
    }
    return { vectors, promptTokens };
  }

  async #request(input: string[], options: EmbedOptions): Promise<Embeddings> {
    const { signal } = options;
    await options.beforeRequest?.(input);
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
      const requested = tokensPerRequestRefusal(error);
      if (requested !== undefined && input.length > 1) {
        return this.#split(input, requested, options);
      }
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

  /** Sends a refused request again as parts that each hold the provider's limit, in order. */
  async #split(input: string[], requested: number, options: EmbedOptions): Promise<Embeddings> {
    const needed = Math.ceil(requested / (this.limits.maxTokensPerRequest * SPLIT_FILL));
    const parts = Number.isFinite(needed) ? Math.min(Math.max(2, needed), input.length) : 2;
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const part of splitBySize(input, parts)) {
      const result = await this.#request(part, options);
      vectors.push(...result.vectors);
      promptTokens += result.promptTokens;
    }
    return { vectors, promptTokens };
  }
}
