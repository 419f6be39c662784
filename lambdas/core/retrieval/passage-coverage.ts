import type { ScoredChunk } from '../ports/vector-store.js';
import { isJudgedTerm, lexicalTerms } from './lexical-terms.js';
import { termsPresent } from './terms-present.js';

/** How well retrieved passages speak to a question; see {@link measureCoverage}. */
export interface QuestionCoverage {
  /**
   * The best cited passage's share of the question's terms, each term weighted by its rarity
   * among the candidates (`ln(1 + n / (1 + passages with it))`), so a missing rare word ("Kafka",
   * "sourdough") costs more than a missing common one.
   */
  best: number;
  /** The share of the question's terms found in any candidate: its words the documents know. */
  vocabulary: number;
  /**
   * The share of the question's names ({@link questionNames}: "Kafka", "PostgreSQL", "gRPC")
   * found in a cited passage; 1 when it names nothing. A question about a product the
   * documents never discuss shares its ordinary words with them, but not that name.
   */
  namesCited: number;
  /** The share of the question's names found in any candidate; 1 when it names nothing. */
  namesKnown: number;
  /**
   * The best cosine of a candidate with the question's embedding (`ScoredChunk.denseScore`):
   * how close its meaning comes to the passages, words aside; -1 when no candidate was close
   * enough to be ranked by meaning, 1 when the query did not rank by meaning (lexical only).
   */
  closeness: number;
}

/** A token with a capital letter: a name when it is not the first word of a sentence. */
const CAPITALISED = /[\p{L}\p{N}_]*\p{Lu}[\p{L}\p{N}_]*/gu;
const SENTENCE_START = /(^|[.?!:]\s+)$/;
/**
 * A dotted code reference, `asyncio.gather` or `status.HTTP_200_OK`: each part is a name (not
 * within a path: `/files/notes.txt` names nothing).
 */
const DOTTED = /(?<![/\p{L}\p{N}_.])[\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)+/gu;

/**
 * The lexical terms of the names in a question: words with a capital letter that do not open
 * a sentence (`Kafka`, `PostgreSQL`, `UploadFile`, `SQL`), each as its first term (a code
 * identifier's whole, lower-cased form), and the parts of a dotted code reference
 * (`asyncio.gather`: `asyncio` and `gather`).
 *
 * @example
 * questionNames('How do Kafka consumer groups work with gRPC?'); // ['kafka', 'grpc']
 * questionNames('Is asyncio.gather faster?'); // ['asyncio', 'gather']
 */
export const questionNames = (question: string): string[] => {
  const names = new Set<string>();
  const add = (word: string) => {
    const term = lexicalTerms(word)[0];
    if (term !== undefined) names.add(term);
  };
  for (const match of question.matchAll(CAPITALISED)) {
    if (!SENTENCE_START.test(question.slice(0, match.index))) add(match[0]);
  }
  for (const [reference] of question.matchAll(DOTTED)) {
    for (const part of reference.split('.')) add(part);
  }
  return [...names];
};

/**
 * Words that say how a question asks, not what it is about ("Tell me about path parameters",
 * "Explain…", "Describe…"): a passage need not contain them to answer it, so the coverage does
 * not count them. They stay in the lexical terms (BM25 ranks with them; a passage's stored
 * vector is unchanged).
 */
const REQUEST_TERMS: ReadonlySet<string> = new Set(
  lexicalTerms(
    'tell explain explained describe show give know learn understand help info information overview summarize summarise',
  ),
);

const share = (wanted: readonly string[], found: (term: string) => boolean): number =>
  wanted.length === 0 ? 1 : wanted.filter(found).length / wanted.length;

/** A {@link QuestionCoverage} with the candidates that carry its figures. */
export interface MeasuredCoverage {
  coverage: QuestionCoverage;
  /**
   * Indexes (in the candidates' order) of candidates that carry every figure but `best`: for
   * each of the question's terms and names found, the first candidate holding it, and (by
   * meaning) the first with the best cosine. Any subset of the candidates that holds these and
   * the cited ones has the same `vocabulary`, `namesKnown`, `closeness` and `namesCited`.
   */
  witnesses: number[];
}

const NO_COVERAGE: QuestionCoverage = {
  best: 0,
  vocabulary: 0,
  namesCited: 0,
  namesKnown: 0,
  closeness: -1,
};
const FULL_COVERAGE: QuestionCoverage = {
  best: 1,
  vocabulary: 1,
  namesCited: 1,
  namesKnown: 1,
  closeness: 1,
};

/**
 * Measures how much of a question the retrieved passages cover, from their text (so it is the
 * same for every vector store and embedding model), and how close their meaning comes to it
 * (the stores' cosines, unless `byMeaning` is false: a lexical-only query), with the candidates
 * that carry those figures ({@link MeasuredCoverage.witnesses}), in one pass over them.
 * `candidates` are all passages the query returned, best first; the first `citedCount` of them
 * are the ones that would be cited. The abstention rule compares each figure with floors chosen
 * by `npm run eval`.
 *
 * @example
 * measureCoverage('How do I bake sourdough bread?', chunks, 5).coverage; // { best: 0.1, vocabulary: 0.33, namesCited: 1, namesKnown: 1, closeness: 0.08 }
 */
export const measureCoverage = (
  question: string,
  candidates: readonly ScoredChunk[],
  citedCount: number,
  options: { byMeaning?: boolean } = {},
): MeasuredCoverage => {
  const terms = [...new Set(lexicalTerms(question))];
  if (terms.length === 0 || candidates.length === 0) {
    return { coverage: { ...NO_COVERAGE }, witnesses: [] };
  }
  // The floors were chosen on English (see `isJudgedTerm`): a question is judged by its terms
  // in Latin letters and its names, and one with none is answered with its best passages.
  const judged = terms.filter(isJudgedTerm);
  const about = judged.filter((term) => !REQUEST_TERMS.has(term));
  const wanted = about.length > 0 ? about : judged;
  if (wanted.length === 0) return { coverage: { ...FULL_COVERAGE }, witnesses: [] };
  const names = questionNames(question);
  const asked = [...new Set([...wanted, ...names])];
  // Only whether each of the question's terms occurs matters, not the passages' other terms.
  const passages = candidates.map((chunk) => termsPresent(`${chunk.title}\n${chunk.text}`, asked));
  const weights = wanted.map((term) => {
    const withTerm = passages.filter((terms) => terms.has(term)).length;
    return Math.log(1 + passages.length / (1 + withTerm));
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let best = 0;
  for (const terms of passages.slice(0, citedCount)) {
    let covered = 0;
    wanted.forEach((term, index) => {
      if (terms.has(term)) covered += weights[index]!;
    });
    best = Math.max(best, covered / total);
  }
  const cited = passages.slice(0, citedCount);
  const byMeaning = options.byMeaning !== false;
  const witnesses = new Set<number>();
  for (const term of asked) {
    const holder = passages.findIndex((terms) => terms.has(term));
    if (holder !== -1) witnesses.add(holder);
  }
  const closest = byMeaning ? closestIndex(candidates) : -1;
  if (closest !== -1) witnesses.add(closest);
  return {
    coverage: {
      best,
      vocabulary: share(wanted, (term) => passages.some((terms) => terms.has(term))),
      namesCited: share(names, (term) => cited.some((terms) => terms.has(term))),
      namesKnown: share(names, (term) => passages.some((terms) => terms.has(term))),
      closeness: byMeaning ? (candidates[closest]?.denseScore ?? -1) : 1,
    },
    witnesses: [...witnesses].sort((a, b) => a - b),
  };
};

/** The index of the first candidate with the best cosine; -1 when none has one. */
const closestIndex = (candidates: readonly ScoredChunk[]): number => {
  let closest = -1;
  candidates.forEach((chunk, index) => {
    if (
      chunk.denseScore !== undefined &&
      (closest === -1 || chunk.denseScore > candidates[closest]!.denseScore!)
    ) {
      closest = index;
    }
  });
  return closest;
};
