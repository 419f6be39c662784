import { MAX_INPUT_TOKENS } from '../adapters/openai/max-input-tokens.js';
import { MAX_UTF8_BYTES_PER_ESTIMATED_TOKEN } from '../core/text/estimate-tokens.js';

/**
 * The largest `CHUNK_SIZE_TOKENS` whose chunks the OpenAI embedder sends whole: it keeps at most
 * {@link MAX_INPUT_TOKENS} UTF-8 bytes of an input (so an input fits the models' 8 192-token
 * limit in every script), and a chunk of this many estimated tokens holds at most that many
 * bytes (`MAX_UTF8_BYTES_PER_ESTIMATED_TOKEN`). A larger chunk could lose its end to the
 * embedder silently: its vector would not say what its text says. 2 048.
 */
export const MAX_CHUNK_SIZE_TOKENS = Math.floor(
  MAX_INPUT_TOKENS / MAX_UTF8_BYTES_PER_ESTIMATED_TOKEN,
);

/** Why a chunk size over {@link MAX_CHUNK_SIZE_TOKENS} is refused, for a setting's message. */
export const maxChunkSizeReason = `must be at most ${MAX_CHUNK_SIZE_TOKENS}: the embedder embeds at most ${MAX_INPUT_TOKENS} UTF-8 bytes of a chunk (the embedding models take ${MAX_INPUT_TOKENS} tokens, a token at least a byte) and a chunk may hold ${MAX_UTF8_BYTES_PER_ESTIMATED_TOKEN} bytes per token, so a larger chunk would be cut silently`;
