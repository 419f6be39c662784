import type { ScoredChunk } from '../ports/vector-store.js';
import type { MeasuredCoverage, QuestionCoverage } from './passage-coverage.js';

/** The abstention floors (as `RetrievalSettings` holds them). */
export interface DecidingFloors {
  minCoverage: number;
  minVocabulary: number;
  minNamesCited: number;
  minNamesKnown: number;
  minCloseness: number;
}

/**
 * Whether a reading abstains on a figure that can only fall when candidates are dropped: the
 * question's words or names the candidates know, or their best cosine (any subset of the
 * candidates has at most the figure, and an empty one measures none: 0, 0 and -1).
 */
const abstainsOnShrinkingFigure = (coverage: QuestionCoverage, floors: DecidingFloors): boolean =>
  coverage.vocabulary < floors.minVocabulary ||
  coverage.namesKnown < floors.minNamesKnown ||
  coverage.closeness < floors.minCloseness;

/**
 * The candidates whose documents' liveness decides what is cited, given how the candidates
 * ranked as if all of them were live (`readings`: each reading of the question measured on all
 * `candidates`; `cited`: how many of the first were cited, 0 when abstaining). If the documents
 * of these are all live, the live candidates (any subset of `candidates` that holds these) are
 * cited the same, so the others' documents need not be read:
 *
 * - abstaining, when every reading abstains on a figure that only falls as candidates are
 *   dropped (vocabulary, names known, closeness): none, nothing can be cited;
 * - citing, when no floor is set on `best` (whose weights depend on every candidate): the cited
 *   ones (they stay the first, so the names cited stay too) and the witnesses
 *   ({@link MeasuredCoverage.witnesses}) of a reading that does not abstain, which keep its
 *   other figures as they are;
 * - else every candidate.
 *
 * @example
 * const toRead = decidingCandidates(settings, candidates, readings, abstained ? 0 : topK);
 */
export const decidingCandidates = (
  floors: DecidingFloors,
  candidates: readonly ScoredChunk[],
  readings: readonly MeasuredCoverage[],
  cited: number,
): ScoredChunk[] => {
  if (cited === 0) {
    const settled = readings.every(({ coverage }) => abstainsOnShrinkingFigure(coverage, floors));
    return settled ? [] : [...candidates];
  }
  if (floors.minCoverage > 0) return [...candidates];
  const answering = readings.find(
    ({ coverage }) =>
      !abstainsOnShrinkingFigure(coverage, floors) &&
      coverage.namesCited >= floors.minNamesCited &&
      coverage.best >= floors.minCoverage,
  );
  if (answering === undefined) return [...candidates];
  const deciding = new Set(answering.witnesses);
  for (let index = 0; index < Math.min(cited, candidates.length); index += 1) deciding.add(index);
  return [...deciding].sort((a, b) => a - b).map((index) => candidates[index]!);
};
