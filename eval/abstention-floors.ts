import type { QuestionCoverage } from '../lambdas/core/retrieval/passage-coverage.js';
import {
  type AbstentionFloors,
  abstainsOnEvery,
} from '../lambdas/core/retrieval/retrieve-passages.js';
import { crossValidate } from './cross-validation.js';

/**
 * How retrieval read one question's coverage (`Retrieval.coverages`): its own words and, for a
 * follow-up, with the question it follows; the question abstains when every reading does.
 */
export type QuestionReadings = readonly QuestionCoverage[];

/** The values each floor of the abstention rule is tried at; 0 turns a floor off. */
export type FloorGrid = { readonly [K in keyof AbstentionFloors]: readonly number[] };

/** The grid `npm run eval` chooses the abstention floors from. */
export const FLOOR_GRID: FloorGrid = {
  minCoverage: [0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5],
  minVocabulary: [0, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1],
  minNamesCited: [0, 0.3, 0.5, 0.6, 0.7, 0.8, 1],
  minNamesKnown: [0, 0.3, 0.5, 0.6, 0.7, 0.8, 1],
  // Cosines: the range differs between embedding models; these span the offline embedder's
  // and OpenAI's text-embedding-3 models' for questions and passages (-1 turns it off).
  minCloseness: [-1, 0.1, 0.14, 0.18, 0.22, 0.26, 0.3, 0.35, 0.4],
};

/**
 * How floors are picked from labelled questions: among the combinations that keep at least
 * `minCitedShare` of the answerable questions citing something, the one leaving the most
 * unanswerable questions citing nothing; among equals, the one citing the most answerable
 * questions, then the `higher` floors in sum (more margin against unanswerable questions the
 * set does not have) or the `lower` ones (more margin for answerable ones).
 */
export interface FloorRule {
  minCitedShare: number;
  ties: 'higher' | 'lower';
}

/** The picking rules {@link calibrateRule} chooses among. */
export const FLOOR_RULES: readonly FloorRule[] = [0.95, 0.96, 0.97, 0.98, 0.99].flatMap(
  (minCitedShare) => [
    { minCitedShare, ties: 'higher' as const },
    { minCitedShare, ties: 'lower' as const },
  ],
);

/** One combination of floors and what it does on the labelled questions. */
export interface RatedFloors {
  floors: AbstentionFloors;
  /** Answerable questions that still cite something. */
  cited: number;
  /** Unanswerable questions that cite nothing. */
  abstained: number;
}

const combinations = (grid: FloorGrid): AbstentionFloors[] => {
  const keys = Object.keys(grid) as Array<keyof AbstentionFloors>;
  let partial: Array<Partial<AbstentionFloors>> = [{}];
  for (const key of keys) {
    partial = partial.flatMap((floors) => grid[key].map((value) => ({ ...floors, [key]: value })));
  }
  return partial as AbstentionFloors[];
};

const height = (floors: AbstentionFloors) =>
  Object.values(floors).reduce((sum: number, value: number) => sum + value, 0);

/** Every combination of the grid with the questions it silences (1) and lets cite (0). */
interface FloorTable {
  floors: AbstentionFloors[];
  heights: number[];
  /** Per combination, per answerable question: 1 when it would cite nothing. */
  silenced: Uint8Array[];
  /** Per combination, per unanswerable question: 1 when it would cite nothing. */
  caught: Uint8Array[];
}

const tabulate = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  grid: FloorGrid,
): FloorTable => {
  const floors = combinations(grid);
  const flags = (questions: readonly QuestionReadings[], rule: AbstentionFloors) =>
    Uint8Array.from(questions, (readings) => (abstainsOnEvery(readings, rule) ? 1 : 0));
  return {
    floors,
    heights: floors.map(height),
    silenced: floors.map((rule) => flags(answerable, rule)),
    caught: floors.map((rule) => flags(unanswerable, rule)),
  };
};

const countOver = (flags: Uint8Array, indexes: readonly number[]) => {
  let count = 0;
  for (const index of indexes) count += flags[index]!;
  return count;
};

/** Per combination: answerable questions citing and unanswerable ones caught, over a subset. */
const tally = (table: FloorTable, answerable: readonly number[], unanswerable: readonly number[]) =>
  table.floors.map((_, at) => ({
    cited: answerable.length - countOver(table.silenced[at]!, answerable),
    abstained: countOver(table.caught[at]!, unanswerable),
  }));

/** The combinations that pass `rule`'s citing share, best first by `rule`. */
const ordered = (
  table: FloorTable,
  counts: ReadonlyArray<{ cited: number; abstained: number }>,
  answerableCount: number,
  rule: FloorRule,
): number[] => {
  const direction = rule.ties === 'higher' ? -1 : 1;
  return counts
    .map((_, at) => at)
    .filter((at) => counts[at]!.cited >= rule.minCitedShare * answerableCount - 1e-9)
    .sort(
      (a, b) =>
        counts[b]!.abstained - counts[a]!.abstained ||
        counts[b]!.cited - counts[a]!.cited ||
        direction * (table.heights[a]! - table.heights[b]!) ||
        a - b,
    );
};

const range = (length: number) => Array.from({ length }, (_, index) => index);

/**
 * Rates every combination of floors of the grid on the coverage of labelled questions and
 * returns those that pass `rule`, best first ({@link FloorRule}). The first is the rule
 * `npm run eval` applies; it is chosen on the tuning half only.
 *
 * @example
 * rankFloors(tuneAnswerable, tuneUnanswerable, { minCitedShare: 0.97, ties: 'lower' })[0].floors;
 */
export const rankFloors = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  rule: FloorRule,
  grid: FloorGrid = FLOOR_GRID,
): RatedFloors[] => {
  const table = tabulate(answerable, unanswerable, grid);
  const counts = tally(table, range(answerable.length), range(unanswerable.length));
  return ordered(table, counts, answerable.length, rule).map((at) => ({
    floors: table.floors[at]!,
    ...counts[at]!,
  }));
};

/** What a picking rule did on questions it did not pick on, averaged over the folds. */
export interface RuleTrial {
  rule: FloorRule;
  /** Mean share of held-back answerable questions citing something. */
  cited: number;
  /** Mean share of held-back unanswerable questions citing nothing. */
  abstained: number;
}

/**
 * Chooses the picking rule by cross-validation on the labelled questions: `repeats` times,
 * the answerable and the unanswerable questions are each split in two random halves (seeded);
 * each rule picks floors on one half and is scored on the other, both ways. Floors picked at
 * exactly the target share on some questions silence more than that share of others (the pick
 * fits its questions), so the rule kept is the one with the most held-back unanswerable
 * questions citing nothing among those whose held-back answerable questions cite something at
 * least `target` of the time on average (none: the one citing most).
 *
 * @example
 * calibrateRule(tuneAnswerable, tuneUnanswerable).rule; // { minCitedShare: 0.97, ties: 'lower' }
 */
export const calibrateRule = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  options: {
    rules?: readonly FloorRule[];
    target?: number;
    repeats?: number;
    seed?: number;
    grid?: FloorGrid;
  } = {},
): { rule: FloorRule; trials: RuleTrial[] } => {
  const table = tabulate(answerable, unanswerable, options.grid ?? FLOOR_GRID);
  const { kept, trials } = crossValidate(
    { answerable: answerable.length, unanswerable: unanswerable.length },
    options.rules ?? FLOOR_RULES,
    (half) => ({ half, counts: tally(table, half.answerable, half.unanswerable) }),
    (rule, pickOn, scoreOn) => {
      const [best] = ordered(table, pickOn.counts, pickOn.half.answerable.length, rule);
      if (best === undefined) return undefined;
      const outcome = scoreOn.counts[best]!;
      return {
        cited: outcome.cited / scoreOn.half.answerable.length,
        abstained: outcome.abstained / Math.max(1, scoreOn.half.unanswerable.length),
      };
    },
    options,
  );
  return {
    rule: kept,
    trials: trials.map(({ candidate, ...rest }) => ({ rule: candidate, ...rest })),
  };
};
