import { describe, expect, it } from 'vitest';
import { crossValidate, type FoldOutcome, type Half } from '../../eval/cross-validation.js';

const sizes = { answerable: 10, unanswerable: 6 };
const fixed =
  (outcomes: Record<string, FoldOutcome | undefined>) =>
  (candidate: string): FoldOutcome | undefined =>
    outcomes[candidate];

describe('crossValidate', () => {
  it('keeps the candidate silencing the most among those citing at least the target', () => {
    const outcome = fixed({
      strict: { cited: 0.9, abstained: 1 },
      balanced: { cited: 0.96, abstained: 0.8 },
      lenient: { cited: 1, abstained: 0.5 },
    });

    const { kept } = crossValidate(sizes, ['strict', 'balanced', 'lenient'], (h) => h, outcome);

    expect(kept).toBe('balanced');
  });

  it('keeps the candidate citing the most when none reaches the target', () => {
    const outcome = fixed({ a: { cited: 0.8, abstained: 1 }, b: { cited: 0.9, abstained: 0.2 } });

    const { kept } = crossValidate(sizes, ['a', 'b'], (h) => h, outcome);

    expect(kept).toBe('b');
  });

  it('averages each candidate over every fold, a fold it cannot be fitted on counting nothing', () => {
    let calls = 0;
    const outcome = (candidate: string): FoldOutcome | undefined => {
      calls += 1;
      return candidate === 'sometimes' && calls % 4 === 0 ? undefined : { cited: 1, abstained: 1 };
    };

    const { trials } = crossValidate(sizes, ['always', 'sometimes'], (h) => h, outcome, {
      repeats: 10,
    });

    expect(trials).toEqual([
      { candidate: 'always', cited: 1, abstained: 1 },
      { candidate: 'sometimes', cited: 0.5, abstained: 0.5 },
    ]);
  });

  it('fits on one half and scores on the other, both ways, the halves splitting every question', () => {
    const folds: Array<[Half, Half]> = [];

    crossValidate(
      sizes,
      ['only'],
      (half) => half,
      (_candidate, fitOn, scoreOn) => {
        folds.push([fitOn, scoreOn]);
        return { cited: 1, abstained: 1 };
      },
      { repeats: 1 },
    );

    const [[first, second], [back, forth]] = folds as [[Half, Half], [Half, Half]];
    expect([back, forth]).toEqual([second, first]);
    expect([...first.answerable, ...second.answerable].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect([...first.unanswerable, ...second.unanswerable].sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5,
    ]);
  });

  it('splits the same way on every run with the same seed', () => {
    const splits = () => {
      const seen: number[][] = [];
      crossValidate(
        sizes,
        ['only'],
        (half) => seen.push(half.answerable),
        () => ({
          cited: 1,
          abstained: 1,
        }),
      );
      return seen;
    };

    expect(splits()).toEqual(splits());
  });
});
