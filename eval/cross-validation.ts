import { seededRandom } from './metrics.js';

/** The questions of one half of a split: indexes into the answerable and the unanswerable ones. */
export interface Half {
  answerable: number[];
  unanswerable: number[];
}

/** How one candidate rule did on one half, as shares of that half's questions. */
export interface FoldOutcome {
  /** Share of the half's answerable questions citing something. */
  cited: number;
  /** Share of the half's unanswerable questions citing nothing. */
  abstained: number;
}

/** What a candidate did on questions it was not chosen on, averaged over the folds. */
export interface CrossValidatedTrial<Candidate> extends FoldOutcome {
  candidate: Candidate;
}

const shuffled = (length: number, random: () => number) => {
  const order = Array.from({ length }, (_, index) => index);
  for (let index = length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other]!, order[index]!];
  }
  return order;
};

/**
 * Cross-validates candidate abstention rules on labelled questions: `repeats` times the
 * answerable and the unanswerable questions are each split in two random halves (seeded); each
 * candidate is fitted on one half and scored on the other, both ways (`outcome`; `undefined`
 * when it cannot be fitted there, which scores nothing). Each half is `prepare`d once, for what
 * the candidates share on it. Kept: the candidate with the most held-back unanswerable
 * questions citing nothing among those whose held-back answerable questions cite at least
 * `target` of the time on average (none: the one citing most).
 *
 * @example
 * crossValidate({ answerable: 101, unanswerable: 36 }, FLOOR_RULES, (half) => half, outcome).kept;
 */
export const crossValidate = <Candidate, Prepared>(
  sizes: { answerable: number; unanswerable: number },
  candidates: readonly Candidate[],
  prepare: (half: Half) => Prepared,
  outcome: (candidate: Candidate, fitOn: Prepared, scoreOn: Prepared) => FoldOutcome | undefined,
  options: { target?: number; repeats?: number; seed?: number } = {},
): { kept: Candidate; trials: CrossValidatedTrial<Candidate>[] } => {
  const { target = 0.95, repeats = 100, seed = 7 } = options;
  const random = seededRandom(seed);
  const sums = candidates.map(() => ({ cited: 0, abstained: 0 }));
  let folds = 0;
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const answerableOrder = shuffled(sizes.answerable, random);
    const unanswerableOrder = shuffled(sizes.unanswerable, random);
    const halfA = Math.floor(sizes.answerable / 2);
    const halfU = Math.floor(sizes.unanswerable / 2);
    const halves = [
      prepare({
        answerable: answerableOrder.slice(0, halfA),
        unanswerable: unanswerableOrder.slice(0, halfU),
      }),
      prepare({
        answerable: answerableOrder.slice(halfA),
        unanswerable: unanswerableOrder.slice(halfU),
      }),
    ] as const;
    for (const [fitOn, scoreOn] of [
      [0, 1],
      [1, 0],
    ] as const) {
      candidates.forEach((candidate, which) => {
        const result = outcome(candidate, halves[fitOn], halves[scoreOn]);
        if (result === undefined) return;
        sums[which]!.cited += result.cited;
        sums[which]!.abstained += result.abstained;
      });
      folds += 1;
    }
  }
  const trials = candidates.map((candidate, which) => ({
    candidate,
    cited: sums[which]!.cited / folds,
    abstained: sums[which]!.abstained / folds,
  }));
  const meeting = trials.filter((trial) => trial.cited >= target);
  const [kept] = (meeting.length > 0 ? meeting : trials)
    .slice()
    .sort((a, b) =>
      meeting.length > 0
        ? b.abstained - a.abstained || b.cited - a.cited
        : b.cited - a.cited || b.abstained - a.abstained,
    );
  return { kept: kept!.candidate, trials };
};
