import type { QuestionCoverage } from '../lambdas/core/retrieval/passage-coverage.js';
import type { QuestionReadings } from './abstention-floors.js';
import { crossValidate } from './cross-validation.js';

/** The figures of a {@link QuestionCoverage}, in the order the abstention score reads them. */
export const COVERAGE_FIGURES = [
  'best',
  'vocabulary',
  'namesCited',
  'namesKnown',
  'closeness',
] as const satisfies ReadonlyArray<keyof QuestionCoverage>;

/**
 * A linear abstention score over a question's coverage figures, `bias + Σ weight × figure`: a
 * reading scoring 0 or more cites its passages. The weights are a logistic regression's
 * ({@link fitAbstentionScore}), the threshold folded into `bias`, so one figure's shortfall can
 * be made up by the others (unlike a floor on each). Measured by `npm run eval -- --abstention-rule
 * score`; the stack does not use it (its rule is the floors of `DEFAULT_RETRIEVAL`).
 */
export interface AbstentionScore {
  weights: Readonly<Record<keyof QuestionCoverage, number>>;
  bias: number;
}

/**
 * The abstention score of one reading of a question ({@link AbstentionScore}).
 *
 * @example
 * citingScore({ best: 0.6, vocabulary: 1, namesCited: 1, namesKnown: 1, closeness: 0.4 }, score); // 0.12
 */
export const citingScore = (coverage: QuestionCoverage, score: AbstentionScore): number =>
  COVERAGE_FIGURES.reduce(
    (sum, figure) => sum + score.weights[figure] * coverage[figure],
    score.bias,
  );

/**
 * How an abstention score is fitted to labelled questions: the L2 penalty of the logistic
 * regression (on standardised figures) and the share of the answerable questions whose score
 * the threshold is set under (the `1 - citedShare` quantile of their scores, interpolated).
 */
export interface ScoreFit {
  regularization: number;
  citedShare: number;
}

/** The fits {@link calibrateScoreFit} chooses among. */
export const SCORE_FITS: readonly ScoreFit[] = [0.1, 1, 3, 10, 30, 100].flatMap((regularization) =>
  [0.95, 0.96, 0.97, 0.98, 0.99].map((citedShare) => ({ regularization, citedShare })),
);

/** Decimals the fitted weights and bias are rounded to (the committed score is compared at it). */
const DECIMALS = 4;

type Vector = number[];

const solve = (matrix: number[][], right: Vector): Vector => {
  const size = right.length;
  const rows = matrix.map((row, index) => [...row, right[index]!]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) {
      if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    }
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    for (let row = column + 1; row < size; row += 1) {
      const factor = rows[row]![column]! / rows[column]![column]!;
      for (let k = column; k <= size; k += 1) rows[row]![k]! -= factor * rows[column]![k]!;
    }
  }
  const solution = new Array<number>(size).fill(0);
  for (let row = size - 1; row >= 0; row -= 1) {
    let sum = rows[row]![size]!;
    for (let k = row + 1; k < size; k += 1) sum -= rows[row]![k]! * solution[k]!;
    solution[row] = sum / rows[row]![row]!;
  }
  return solution;
};

/**
 * L2-penalised logistic regression by Newton's method: `points` already standardised, with a
 * leading 1 for the intercept (not penalised). Returns the coefficients, intercept first.
 * Written here because the registry's `ml-logistic-regression` fits by plain gradient descent
 * with no penalty; six coefficients need no matrix library.
 */
const logisticRegression = (
  points: readonly Vector[],
  labels: readonly number[],
  regularization: number,
): Vector => {
  const size = points[0]!.length;
  let coefficients = new Array<number>(size).fill(0);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const gradient = coefficients.map((value, index) => (index === 0 ? 0 : regularization * value));
    const hessian = Array.from({ length: size }, (_, row) =>
      Array.from({ length: size }, (_, column) => (row === column && row > 0 ? regularization : 0)),
    );
    points.forEach((point, which) => {
      const linear = point.reduce((sum, value, index) => sum + value * coefficients[index]!, 0);
      const probability = 1 / (1 + Math.exp(-linear));
      const curvature = probability * (1 - probability);
      for (let row = 0; row < size; row += 1) {
        gradient[row]! += (probability - labels[which]!) * point[row]!;
        for (let column = 0; column < size; column += 1) {
          hessian[row]![column]! += curvature * point[row]! * point[column]!;
        }
      }
    });
    const step = solve(hessian, gradient);
    coefficients = coefficients.map((value, index) => value - step[index]!);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return coefficients;
};

const figuresOf = (readings: QuestionReadings) => {
  // A question is fitted as it is retrieved: a follow-up with the question it follows.
  const reading = readings[readings.length - 1]!;
  return COVERAGE_FIGURES.map((figure) => reading[figure]);
};

/** Linear-interpolated quantile `q` of `values` (as NumPy's default). */
const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
};

const round = (value: number) => Math.round(value * 10 ** DECIMALS) / 10 ** DECIMALS;

/** A question's score: its best reading's (a follow-up cites when either reading does). */
const questionScore = (readings: QuestionReadings, score: AbstentionScore) =>
  Math.max(...readings.map((reading) => citingScore(reading, score)));

/**
 * Whether an abstention score leaves a question unanswered: every reading of it (its own words
 * and, for a follow-up, with the question it follows) scores under 0.
 *
 * @example
 * scoreAbstains([ownWords, withPreviousQuestion], score); // false when either scores >= 0
 */
export const scoreAbstains = (readings: QuestionReadings, score: AbstentionScore): boolean =>
  questionScore(readings, score) < 0;

/**
 * The weights of an abstention score, before its threshold: a logistic regression of
 * answerable (1) against unanswerable (0) questions over the coverage figures, standardised on
 * these questions and penalised by `regularization`; a figure whose weight comes out negative
 * is left out and the rest refitted, so a question covered better on every figure is never
 * answered less. Rounded to 4 decimals.
 */
const fitWeights = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  regularization: number,
): AbstentionScore['weights'] => {
  const raw = [...answerable, ...unanswerable].map(figuresOf);
  const labels = [...answerable.map(() => 1), ...unanswerable.map(() => 0)];
  const means = COVERAGE_FIGURES.map(
    (_, index) => raw.reduce((sum, point) => sum + point[index]!, 0) / raw.length,
  );
  const spreads = COVERAGE_FIGURES.map((_, index) =>
    Math.sqrt(
      raw.reduce((sum, point) => sum + (point[index]! - means[index]!) ** 2, 0) / raw.length,
    ),
  );
  // Figures that vary on these questions and have not been left out for a negative weight.
  let kept = COVERAGE_FIGURES.map((_, index) => index).filter((index) => spreads[index]! > 1e-9);
  let coefficients: Vector = [];
  for (;;) {
    const points = raw.map((point) => [
      1,
      ...kept.map((index) => (point[index]! - means[index]!) / spreads[index]!),
    ]);
    coefficients = logisticRegression(points, labels, regularization);
    const negative = kept.filter((_, at) => coefficients[at + 1]! < 0);
    if (negative.length === 0) break;
    kept = kept.filter((index) => !negative.includes(index));
  }
  return Object.fromEntries(
    COVERAGE_FIGURES.map((figure, index) => {
      const at = kept.indexOf(index);
      return [figure, at < 0 ? 0 : round(coefficients[at + 1]! / spreads[index]!)];
    }),
  ) as AbstentionScore['weights'];
};

/**
 * Sets the bias of `weights` so that the threshold sits at the `1 - citedShare` quantile of the
 * answerable questions' scores (interpolated; a follow-up scores its best reading), rounded
 * down to 4 decimals.
 */
const withThreshold = (
  weights: AbstentionScore['weights'],
  answerable: readonly QuestionReadings[],
  citedShare: number,
): AbstentionScore => {
  const threshold = quantile(
    answerable.map((readings) => questionScore(readings, { weights, bias: 0 })),
    1 - citedShare,
  );
  return { weights, bias: Math.floor(-threshold * 10 ** DECIMALS) / 10 ** DECIMALS };
};

/**
 * Fits an abstention score to labelled questions: the weights of a logistic regression of
 * answerable against unanswerable questions over the coverage figures (standardised, L2
 * penalty `fit.regularization`, no negative weight: a question covered better on every figure
 * is never answered less), and a bias that puts the threshold at the `1 - fit.citedShare`
 * quantile of the answerable questions' scores. Weights and bias are rounded to 4 decimals.
 *
 * @example
 * fitAbstentionScore(tuneAnswerable, tuneUnanswerable, { regularization: 10, citedShare: 0.97 });
 */
export const fitAbstentionScore = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  fit: ScoreFit,
): AbstentionScore =>
  withThreshold(
    fitWeights(answerable, unanswerable, fit.regularization),
    answerable,
    fit.citedShare,
  );

/** What an abstention score does on labelled questions. */
export interface RatedScore {
  /** Answerable questions that still cite something. */
  cited: number;
  /** Unanswerable questions that cite nothing. */
  abstained: number;
}

/**
 * Counts the answerable questions an abstention score lets cite and the unanswerable ones it
 * silences (a question cites when any of its readings scores 0 or more).
 *
 * @example
 * rateScore(tuneAnswerable, tuneUnanswerable, score); // { cited: 108, abstained: 27 }
 */
export const rateScore = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  score: AbstentionScore,
): RatedScore => ({
  cited: answerable.filter((readings) => !scoreAbstains(readings, score)).length,
  abstained: unanswerable.filter((readings) => scoreAbstains(readings, score)).length,
});

/** What a fit did on questions it was not fitted on, averaged over the folds. */
export interface ScoreTrial {
  fit: ScoreFit;
  /** Mean share of held-back answerable questions citing something. */
  cited: number;
  /** Mean share of held-back unanswerable questions citing nothing. */
  abstained: number;
}

/**
 * Chooses the fit (penalty and threshold share) by cross-validation on the labelled
 * questions, as `calibrateRule` chooses the floors' picker: `repeats` times the answerable and
 * the unanswerable questions are each split in two random halves (seeded); each fit is made on
 * one half and scored on the other, both ways. Kept: the fit with the most held-back
 * unanswerable questions citing nothing among those whose held-back answerable questions cite
 * at least `target` of the time on average (none: the one citing most).
 *
 * @example
 * calibrateScoreFit(tuneAnswerable, tuneUnanswerable).fit; // { regularization: 30, citedShare: 0.97 }
 */
export const calibrateScoreFit = (
  answerable: readonly QuestionReadings[],
  unanswerable: readonly QuestionReadings[],
  options: { fits?: readonly ScoreFit[]; target?: number; repeats?: number; seed?: number } = {},
): { fit: ScoreFit; trials: ScoreTrial[] } => {
  const pick = <T>(items: readonly T[], indexes: readonly number[]) =>
    indexes.map((index) => items[index]!);
  const { kept, trials } = crossValidate(
    { answerable: answerable.length, unanswerable: unanswerable.length },
    options.fits ?? SCORE_FITS,
    (half) => ({
      answerable: pick(answerable, half.answerable),
      unanswerable: pick(unanswerable, half.unanswerable),
      // One regression per penalty and half: the fits of a penalty differ by threshold only.
      weights: new Map<number, AbstentionScore['weights']>(),
    }),
    (fit, fitOn, scoreOn) => {
      let weights = fitOn.weights.get(fit.regularization);
      if (weights === undefined) {
        weights = fitWeights(fitOn.answerable, fitOn.unanswerable, fit.regularization);
        fitOn.weights.set(fit.regularization, weights);
      }
      const score = withThreshold(weights, fitOn.answerable, fit.citedShare);
      const outcome = rateScore(scoreOn.answerable, scoreOn.unanswerable, score);
      return {
        cited: outcome.cited / scoreOn.answerable.length,
        abstained: outcome.abstained / Math.max(1, scoreOn.unanswerable.length),
      };
    },
    options,
  );
  return {
    fit: kept,
    trials: trials.map(({ candidate, ...rest }) => ({ fit: candidate, ...rest })),
  };
};
