import type { QuestionReadings } from '../../eval/abstention-floors.js';
import type { QuestionCoverage } from '../../lambdas/core/retrieval/passage-coverage.js';

/** A reading of a question with every coverage figure at 1 but those given. */
export const reading = (figures: Partial<QuestionCoverage>): QuestionCoverage => ({
  best: 1,
  vocabulary: 1,
  namesCited: 1,
  namesKnown: 1,
  closeness: 1,
  ...figures,
});

/** A question read once (a question that stands alone), with the figures given. */
export const coverage = (figures: Partial<QuestionCoverage>): QuestionReadings => [
  reading(figures),
];
