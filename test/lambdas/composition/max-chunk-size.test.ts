import { describe, expect, it } from 'vitest';
import { MAX_INPUT_TOKENS } from '../../../lambdas/adapters/openai/max-input-tokens.js';
import { withinTokens } from '../../../lambdas/adapters/openai/within-tokens.js';
import { MAX_CHUNK_SIZE_TOKENS } from '../../../lambdas/composition/max-chunk-size.js';
import { chunkText } from '../../../lambdas/core/ingestion/chunk-text.js';

/** Plain text of about `units` UTF-16 code units, of one script, without paragraph breaks. */
const textOf = (sample: string, units: number) =>
  sample.repeat(Math.ceil(units / sample.length)).slice(0, units);

const SCRIPTS = {
  english: 'Declare path parameters with braces, as in items item_id. ',
  digits: '1,2,3\n4,5,6\n',
  base64: 'UGF0aCBwYXJhbWV0ZXJzIHdpdGggYnJhY2Vz',
  greek: 'Οι παράμετροι διαδρομής δηλώνονται με άγκιστρα. ',
  chinese: '如何声明路径参数？用大括号声明路径参数。',
  emoji: '😀🚀🎉',
} as const;

describe('MAX_CHUNK_SIZE_TOKENS', () => {
  it.each(Object.entries(SCRIPTS))(
    'makes %s chunks the OpenAI embedder sends whole',
    (_script, sample) => {
      const text = textOf(sample, 40_000);

      const chunks = chunkText(text, {
        maxTokens: MAX_CHUNK_SIZE_TOKENS,
        overlapTokens: 0,
        format: 'plain',
      });

      expect(chunks.length).toBeGreaterThan(1);
      expect(
        chunks.filter((chunk) => withinTokens(chunk.text, MAX_INPUT_TOKENS) !== chunk.text),
      ).toEqual([]);
    },
  );

  it('is the largest such size: a chunk one token larger may be cut', () => {
    const text = textOf(SCRIPTS.base64, 40_000);

    const chunks = chunkText(text, {
      maxTokens: MAX_CHUNK_SIZE_TOKENS + 1,
      overlapTokens: 0,
      format: 'plain',
    });

    expect(chunks.some((chunk) => withinTokens(chunk.text, MAX_INPUT_TOKENS) !== chunk.text)).toBe(
      true,
    );
  });
});
