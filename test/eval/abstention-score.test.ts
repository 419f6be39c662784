import { describe, expect, it } from 'vitest';
import {
  type AbstentionScore,
  calibrateScoreFit,
  citingScore,
  fitAbstentionScore,
  rateScore,
  scoreAbstains,
} from '../../eval/abstention-score.js';
import { coverage, reading } from '../support/coverage-readings.js';

/** Cites when the vocabulary and the closeness add up to more than 1. */
const vocabularyAndCloseness: AbstentionScore = {
  weights: { best: 0, vocabulary: 1, namesCited: 0, namesKnown: 0, closeness: 1 },
  bias: -1,
};

// Answerable questions know most of their words and come close; unanswerable ones are lower on
// both, with some overlap on each figure alone.
const answerable = Array.from({ length: 40 }, (_, index) =>
  coverage({ vocabulary: 0.7 + (index % 10) * 0.03, closeness: 0.2 + (index % 7) * 0.05 }),
);
const unanswerable = Array.from({ length: 16 }, (_, index) =>
  coverage({ vocabulary: 0.4 + (index % 8) * 0.05, closeness: 0.1 + (index % 4) * 0.04 }),
);

describe('citingScore', () => {
  it('adds the weighted figures to the bias', () => {
    const score = citingScore(reading({ vocabulary: 0.8, closeness: 0.4 }), vocabularyAndCloseness);

    expect(score).toBeCloseTo(0.2, 10);
  });
});

describe('scoreAbstains', () => {
  it('abstains when the score is under 0', () => {
    expect(
      scoreAbstains(coverage({ vocabulary: 0.7, closeness: 0.2 }), vocabularyAndCloseness),
    ).toBe(true);
  });

  it('answers a follow-up when either of its readings scores 0 or more', () => {
    const followUp = [reading({ vocabulary: 0.2, closeness: 0.1 }), reading({ closeness: 0.3 })];

    expect(scoreAbstains(followUp, vocabularyAndCloseness)).toBe(false);
  });
});

describe('rateScore', () => {
  it('counts the answerable questions citing and the unanswerable ones citing nothing', () => {
    const rated = rateScore(
      [
        coverage({ vocabulary: 0.9, closeness: 0.3 }),
        coverage({ vocabulary: 0.5, closeness: 0.1 }),
      ],
      [coverage({ vocabulary: 0.5, closeness: 0.2 }), coverage({ vocabulary: 1, closeness: 0.5 })],
      vocabularyAndCloseness,
    );

    expect(rated).toEqual({ cited: 1, abstained: 1 });
  });
});

describe('fitAbstentionScore', () => {
  it('sets the threshold so that the given share of the answerable questions cite', () => {
    const score = fitAbstentionScore(answerable, unanswerable, {
      regularization: 1,
      citedShare: 0.95,
    });

    // 0.95 of 40 is 38: the threshold sits between the second and third lowest scores.
    expect(rateScore(answerable, [], score).cited).toBe(38);
  });

  it('weighs the figures that tell the two kinds of question apart', () => {
    const score = fitAbstentionScore(answerable, unanswerable, {
      regularization: 1,
      citedShare: 0.95,
    });

    expect(score.weights.vocabulary).toBeGreaterThan(0);
    expect(score.weights.closeness).toBeGreaterThan(0);
    // Figures equal on every question carry no weight.
    expect(score.weights.namesKnown).toBe(0);
  });

  it('combines the figures: catches more unanswerable questions than a floor on either alone at the same share citing', () => {
    const score = fitAbstentionScore(answerable, unanswerable, {
      regularization: 1,
      citedShare: 0.95,
    });
    const lowestCiting = (figure: 'vocabulary' | 'closeness') =>
      answerable.map((readings) => readings[0]![figure]).sort((a, b) => a - b)[2]!;
    const underFloor = (figure: 'vocabulary' | 'closeness') =>
      unanswerable.filter((readings) => readings[0]![figure] < lowestCiting(figure)).length;

    const caught = rateScore([], unanswerable, score).abstained;

    expect(caught).toBeGreaterThan(Math.max(underFloor('vocabulary'), underFloor('closeness')));
  });

  it('gives no figure a negative weight: better coverage on every figure never abstains more', () => {
    // Unanswerable questions here name things the documents have more often than answerable ones.
    const named = answerable.map((readings, index) => [
      { ...readings[0]!, namesKnown: index % 2 === 0 ? 0.5 : 1 },
    ]);
    const unnamed = unanswerable.map((readings) => [{ ...readings[0]!, namesKnown: 1 }]);

    const score = fitAbstentionScore(named, unnamed, { regularization: 1, citedShare: 0.95 });

    for (const weight of Object.values(score.weights)) expect(weight).toBeGreaterThanOrEqual(0);
  });

  it('rounds the weights and the bias to 4 decimals, so a committed score compares exactly', () => {
    const score = fitAbstentionScore(answerable, unanswerable, {
      regularization: 3,
      citedShare: 0.97,
    });

    for (const value of [...Object.values(score.weights), score.bias]) {
      expect(Math.round(value * 10_000) / 10_000).toBe(value);
    }
  });
});

describe('calibrateScoreFit', () => {
  const fits = [0.1, 10].flatMap((regularization) =>
    [0.95, 0.99].map((citedShare) => ({ regularization, citedShare })),
  );

  it('scores every fit on questions it was not fitted on', () => {
    const { trials } = calibrateScoreFit(answerable, unanswerable, { fits, repeats: 10 });

    expect(trials.map((trial) => trial.fit)).toEqual(fits);
    for (const trial of trials) {
      expect(trial.cited).toBeGreaterThan(0.5);
      expect(trial.cited).toBeLessThanOrEqual(1);
      expect(trial.abstained).toBeGreaterThanOrEqual(0);
      expect(trial.abstained).toBeLessThanOrEqual(1);
    }
  });

  it('keeps the fit catching the most unanswerable questions among those meeting the target', () => {
    const { fit, trials } = calibrateScoreFit(answerable, unanswerable, {
      fits,
      repeats: 10,
      target: 0.9,
    });

    const kept = trials.find((trial) => trial.fit === fit)!;
    const meeting = trials.filter((trial) => trial.cited >= 0.9);
    expect(meeting.length).toBeGreaterThan(0);
    expect(Math.max(...meeting.map((trial) => trial.abstained))).toBe(kept.abstained);
  });

  it('falls back to the fit citing most when none meets the target', () => {
    const { fit, trials } = calibrateScoreFit(answerable, unanswerable, {
      fits,
      repeats: 10,
      target: 1.01,
    });

    const kept = trials.find((trial) => trial.fit === fit)!;
    expect(Math.max(...trials.map((trial) => trial.cited))).toBe(kept.cited);
  });

  it('is the same on every run (seeded halves)', () => {
    const first = calibrateScoreFit(answerable, unanswerable, { fits, repeats: 5 });
    const second = calibrateScoreFit(answerable, unanswerable, { fits, repeats: 5 });

    expect(second).toEqual(first);
  });
});
