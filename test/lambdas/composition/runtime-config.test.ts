import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig } from '../../../lambdas/composition/runtime-config.js';

describe('loadRuntimeConfig', () => {
  it('takes a variable set to nothing (KEY= in .env) as unset: its default, not 0', () => {
    const config = loadRuntimeConfig({ TABLE_NAME: 't', TENANT_REQUESTS_PER_MINUTE: ' ' });

    expect(config.TENANT_REQUESTS_PER_MINUTE).toBe(120);
  });

  it('accepts a history budget of 0: questions are sent without history', () => {
    expect(
      loadRuntimeConfig({ TABLE_NAME: 't', HISTORY_TOKEN_BUDGET: '0' }).HISTORY_TOKEN_BUDGET,
    ).toBe(0);
  });

  it('refuses a value that is not a number, naming the variable', () => {
    expect(() => loadRuntimeConfig({ TABLE_NAME: 't', RETRIEVAL_TOP_K: 'five' })).toThrow(
      'RETRIEVAL_TOP_K',
    );
  });

  it('refuses a chunk overlap of half the chunk size or more, which the chunker cannot use', () => {
    expect(() =>
      loadRuntimeConfig({ TABLE_NAME: 't', CHUNK_SIZE_TOKENS: '100', CHUNK_OVERLAP_TOKENS: '50' }),
    ).toThrow(/CHUNK_OVERLAP_TOKENS.*under half of CHUNK_SIZE_TOKENS/s);
  });

  it('refuses a chunk size the embedder would cut, naming the setting and its limit', () => {
    expect(() => loadRuntimeConfig({ TABLE_NAME: 't', CHUNK_SIZE_TOKENS: '2049' })).toThrow(
      /CHUNK_SIZE_TOKENS.*must be at most 2048.*8192/s,
    );
  });

  it('takes the largest chunk size the embedder embeds whole', () => {
    expect(
      loadRuntimeConfig({ TABLE_NAME: 't', CHUNK_SIZE_TOKENS: '2048' }).CHUNK_SIZE_TOKENS,
    ).toBe(2048);
  });

  it('refuses on AWS Lambda an http:// QDRANT_URL to another host, naming the setting', () => {
    expect(() =>
      loadRuntimeConfig({
        TABLE_NAME: 't',
        AWS_LAMBDA_FUNCTION_NAME: 'rag-api-chat',
        QDRANT_URL: 'http://qdrant.example.com:6333',
      }),
    ).toThrow('QDRANT_URL: must be an https:// URL');
  });

  it('takes on AWS Lambda an http:// QDRANT_URL to a loopback host', () => {
    const config = loadRuntimeConfig({
      TABLE_NAME: 't',
      AWS_LAMBDA_FUNCTION_NAME: 'rag-api-chat',
      QDRANT_URL: 'http://127.0.0.1:6333',
    });

    expect(config.QDRANT_URL).toBe('http://127.0.0.1:6333');
  });

  it('refuses on AWS Lambda an http:// OPENAI_BASE_URL to another host, naming the setting', () => {
    expect(() =>
      loadRuntimeConfig({
        TABLE_NAME: 't',
        AWS_LAMBDA_FUNCTION_NAME: 'rag-api-chat',
        OPENAI_BASE_URL: 'http://vllm.internal:8000/v1',
      }),
    ).toThrow('OPENAI_BASE_URL: must be an https:// URL: over http:// the OpenAI API key');
  });

  it('takes an http:// OPENAI_BASE_URL off AWS Lambda (a local model server)', () => {
    const config = loadRuntimeConfig({
      TABLE_NAME: 't',
      OPENAI_BASE_URL: 'http://ollama:11434/v1',
    });

    expect(config.OPENAI_BASE_URL).toBe('http://ollama:11434/v1');
  });

  it('takes an http:// QDRANT_URL off AWS Lambda (a local stack beside a Qdrant container)', () => {
    const config = loadRuntimeConfig({ TABLE_NAME: 't', QDRANT_URL: 'http://qdrant:6333' });

    expect(config.QDRANT_URL).toBe('http://qdrant:6333');
  });
});
