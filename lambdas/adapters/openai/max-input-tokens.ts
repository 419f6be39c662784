/**
 * Tokens of one embedding input (the context of OpenAI's embedding models, text-embedding-3-*
 * and ada-002: 8 192). The embedder keeps at most this many UTF-8 bytes of an input (a token
 * covers at least one byte, so the kept start fits in every script): the chunker's chunks stay
 * under it (`MAX_CHUNK_SIZE_TOKENS`); a question may not (8 000 characters of Tamil are 11 000
 * tokens), and is embedded by its start: enough to retrieve with, where the whole was refused
 * (a 502 for a valid question).
 */
export const MAX_INPUT_TOKENS = 8_192;
