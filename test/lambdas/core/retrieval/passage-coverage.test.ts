import { describe, expect, it } from 'vitest';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';
import { questionCoverage } from '../../../../lambdas/core/retrieval/passage-coverage.js';

const chunk = (text: string): ScoredChunk => ({
  documentId: 'd',
  title: 'docs.md',
  chunkIndex: 0,
  text,
  score: 1,
});

const passages = [
  chunk('Path parameters are declared with Python format strings.'),
  chunk('Query parameters are the other function parameters.'),
  chunk('Cookies are read with Cookie.'),
];

describe('questionCoverage', () => {
  it('is complete when a cited passage holds every word of the question', () => {
    expect(questionCoverage('declare path parameters', passages, 3)).toEqual({
      best: 1,
      vocabulary: 1,
    });
  });

  it('is low when the question is about words the passages do not know', () => {
    const coverage = questionCoverage('bake sourdough bread parameters', passages, 3);

    expect(coverage.vocabulary).toBe(0.25);
    expect(coverage.best).toBeLessThan(0.25);
  });

  it('counts a missing rare word more than a missing common one', () => {
    const common = chunk('Parameters, parameters.');
    const rare = chunk('Cookies.');
    const other = chunk('More parameters.');

    const missingRare = questionCoverage('parameters cookie', [common, rare, other], 1);
    const missingCommon = questionCoverage('parameters cookie', [rare, common, other], 1);

    expect(missingRare.best).toBeLessThan(0.5);
    expect(missingCommon.best).toBeGreaterThan(0.5);
  });

  it('is zero without passages or without content words', () => {
    expect(questionCoverage('path', [], 5)).toEqual({ best: 0, vocabulary: 0 });
    expect(questionCoverage('how do I?', passages, 5)).toEqual({ best: 0, vocabulary: 0 });
  });
});
