import { describe, expect, it } from 'vitest';
import { estimateUsage } from '../../../../lambdas/core/chat/estimate-usage.js';

describe('estimateUsage', () => {
  it('counts about four characters a token, for the prompt and the reply', () => {
    const usage = estimateUsage([{ role: 'user', content: 'x'.repeat(40) }], 'y'.repeat(9));

    expect(usage).toEqual({ promptTokens: 10, completionTokens: 3, totalTokens: 13 });
  });
});
