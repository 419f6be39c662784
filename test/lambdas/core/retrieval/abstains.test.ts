import { describe, expect, it } from 'vitest';
import type { QuestionCoverage } from '../../../../lambdas/core/retrieval/passage-coverage.js';
import {
  type AbstentionFloors,
  abstains,
} from '../../../../lambdas/core/retrieval/retrieve-passages.js';

const full: QuestionCoverage = {
  best: 1,
  vocabulary: 1,
  namesCited: 1,
  namesKnown: 1,
  closeness: 1,
};

const floors: AbstentionFloors = {
  minCoverage: 0.25,
  minVocabulary: 0.8,
  minNamesCited: 0.5,
  minNamesKnown: 1,
  minCloseness: 0.2,
};

describe('abstains', () => {
  it('answers when every figure reaches its floor', () => {
    expect(
      abstains(
        {
          best: 0.25,
          vocabulary: 0.8,
          namesCited: 0.5,
          namesKnown: 1,
          closeness: 0.2,
        },
        floors,
      ),
    ).toBe(false);
  });

  it.each([
    ['best', 0.2],
    ['vocabulary', 0.75],
    ['namesCited', 0.4],
    ['namesKnown', 0.9],
    ['closeness', 0.19],
  ] as const)('abstains when %s is under its floor', (figure, value) => {
    expect(abstains({ ...full, [figure]: value }, floors)).toBe(true);
  });

  it('never abstains on floors at their lowest (0; -1 for the cosine)', () => {
    const none: AbstentionFloors = {
      minCoverage: 0,
      minVocabulary: 0,
      minNamesCited: 0,
      minNamesKnown: 0,
      minCloseness: -1,
    };

    expect(
      abstains({ best: 0, vocabulary: 0, namesCited: 0, namesKnown: 0, closeness: -1 }, none),
    ).toBe(false);
  });
});
