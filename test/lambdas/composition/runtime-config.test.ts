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
});
