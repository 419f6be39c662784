import { describe, expect, it } from 'vitest';
import {
  calibrateRule,
  type FloorGrid,
  type FloorRule,
  rankFloors,
} from '../../eval/abstention-floors.js';
import { coverage, reading } from '../support/coverage-readings.js';

const off = {
  minCoverage: [0],
  minVocabulary: [0],
  minNamesCited: [0],
  minNamesKnown: [0],
  minCloseness: [0],
} satisfies FloorGrid;

const at95: FloorRule = { minCitedShare: 0.95, ties: 'higher' };

describe('rankFloors', () => {
  it('puts first the floors that leave the most unanswerable questions citing nothing', () => {
    const answerable = [coverage({ best: 0.6 }), coverage({ best: 0.8 })];
    const unanswerable = [coverage({ best: 0.2 }), coverage({ best: 0.4 })];

    const [first] = rankFloors(answerable, unanswerable, at95, {
      ...off,
      minCoverage: [0, 0.3, 0.5],
    });

    expect(first).toEqual({
      floors: { ...first!.floors, minCoverage: 0.5 },
      cited: 2,
      abstained: 2,
    });
  });

  it("leaves out floors that would silence more than the rule's share of answerable questions", () => {
    const answerable = [coverage({ vocabulary: 0.5 }), ...Array(9).fill(coverage({}))];
    const unanswerable = [coverage({ vocabulary: 0.5 })];
    const grid = { ...off, minVocabulary: [0, 0.6] };

    const strict = rankFloors(answerable, unanswerable, at95, grid);
    const lenient = rankFloors(answerable, unanswerable, { ...at95, minCitedShare: 0.9 }, grid);

    expect(strict.map((entry) => entry.floors.minVocabulary)).toEqual([0]);
    expect(lenient[0]).toMatchObject({ floors: { minVocabulary: 0.6 }, cited: 9, abstained: 1 });
  });

  it('counts a follow-up citing when either of its readings passes the floors', () => {
    const followUp = [reading({ vocabulary: 0 }), reading({ vocabulary: 0.9 })];
    const unanswerable = [coverage({ vocabulary: 0.5 })];

    const [first] = rankFloors([followUp], unanswerable, at95, { ...off, minVocabulary: [0.8] });

    expect(first).toMatchObject({ cited: 1, abstained: 1 });
  });

  it('prefers, among floors that silence as many, the one citing more answerable questions', () => {
    const answerable = [...Array(19).fill(coverage({})), coverage({ namesKnown: 0.5 })];
    const unanswerable = [coverage({ namesKnown: 0, namesCited: 0 })];

    const [first] = rankFloors(answerable, unanswerable, at95, {
      ...off,
      minNamesCited: [0, 0.3],
      minNamesKnown: [0, 0.7],
    });

    expect(first!.floors).toMatchObject({ minNamesCited: 0.3, minNamesKnown: 0 });
    expect(first).toMatchObject({ cited: 20, abstained: 1 });
  });

  it('breaks remaining ties by the higher or the lower floors, as the rule says', () => {
    const answerable = [coverage({ vocabulary: 0.9 })];
    const unanswerable = [coverage({ vocabulary: 0.5 })];
    const grid = { ...off, minVocabulary: [0.6, 0.8, 0.9] };

    const [higher] = rankFloors(answerable, unanswerable, at95, grid);
    const [lower] = rankFloors(answerable, unanswerable, { ...at95, ties: 'lower' }, grid);

    expect(higher!.floors.minVocabulary).toBe(0.9);
    expect(lower!.floors.minVocabulary).toBe(0.6);
  });
});

describe('calibrateRule', () => {
  // Answerable questions' best coverage spreads from 0.05 to 1; unanswerable ones sit low, a
  // few among the answerable ones. A floor fitted to exactly 95% of one half silences more
  // than 5% of the other.
  const answerable = Array.from({ length: 60 }, (_, index) =>
    coverage({ best: index < 6 ? 0.05 + index * 0.05 : 0.4 + index / 100 }),
  );
  const unanswerable = Array.from({ length: 20 }, (_, index) =>
    coverage({ best: index < 15 ? 0.02 + index * 0.015 : 0.5 }),
  );
  const grid = { ...off, minCoverage: [0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35] };

  it('scores every rule on questions it did not pick its floors on', () => {
    const { trials } = calibrateRule(answerable, unanswerable, { grid, repeats: 20 });

    expect(trials).toHaveLength(10);
    for (const trial of trials) {
      expect(trial.cited).toBeGreaterThan(0.8);
      expect(trial.cited).toBeLessThanOrEqual(1);
      expect(trial.abstained).toBeGreaterThanOrEqual(0);
    }
  });

  it('shows floors fitted at exactly 95% on one half citing under 95% on the other', () => {
    const { trials } = calibrateRule(answerable, unanswerable, { grid, repeats: 20 });

    const exact = trials.find(
      (trial) => trial.rule.minCitedShare === 0.95 && trial.rule.ties === 'higher',
    )!;
    expect(exact.cited).toBeLessThan(0.95);
  });

  it('keeps the rule catching the most unanswerable questions among those meeting the target', () => {
    const { rule, trials } = calibrateRule(answerable, unanswerable, { grid, repeats: 20 });

    const kept = trials.find((trial) => trial.rule === rule)!;
    const meeting = trials.filter((trial) => trial.cited >= 0.95);
    expect(meeting.length).toBeGreaterThan(0);
    expect(kept.cited).toBeGreaterThanOrEqual(0.95);
    expect(Math.max(...meeting.map((trial) => trial.abstained))).toBe(kept.abstained);
  });

  it('is the same on every run (seeded halves)', () => {
    const first = calibrateRule(answerable, unanswerable, { grid, repeats: 10 });
    const second = calibrateRule(answerable, unanswerable, { grid, repeats: 10 });

    expect(second).toEqual(first);
  });

  it('falls back to the rule citing most when none meets the target', () => {
    const { rule, trials } = calibrateRule(answerable, unanswerable, {
      grid,
      repeats: 10,
      target: 1.01,
    });

    const kept = trials.find((trial) => trial.rule === rule)!;
    expect(Math.max(...trials.map((trial) => trial.cited))).toBe(kept.cited);
  });
});
