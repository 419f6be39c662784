import type { ScoredChunk } from '../ports/vector-store.js';
import { lexicalTerms } from './lexical-terms.js';

/** How well retrieved passages speak to a question; see {@link questionCoverage}. */
export interface QuestionCoverage {
  /**
   * The best cited passage's share of the question's terms, each term weighted by its rarity
   * among the candidates (`ln(1 + n / (1 + passages with it))`), so a missing rare word ("Kafka",
   * "sourdough") costs more than a missing common one.
   */
  best: number;
  /** The share of the question's terms found in any candidate: its words the documents know. */
  vocabulary: number;
}

/**
 * Measures how much of a question the retrieved passages cover, from their text alone (so it
 * is the same for every vector store and embedding model). `candidates` are all passages the
 * query returned, best first; the first `cited` of them are the ones that would be cited.
 * The abstention rule compares both figures with floors chosen by `npm run eval`.
 *
 * @example
 * questionCoverage('How do I bake sourdough bread?', chunks, 5); // { best: 0.1, vocabulary: 0.33 }
 */
export const questionCoverage = (
  question: string,
  candidates: readonly ScoredChunk[],
  cited: number,
): QuestionCoverage => {
  const wanted = [...new Set(lexicalTerms(question))];
  if (wanted.length === 0 || candidates.length === 0) return { best: 0, vocabulary: 0 };
  const passages = candidates.map(
    (chunk) => new Set(lexicalTerms(`${chunk.title}\n${chunk.text}`)),
  );
  const weights = wanted.map((term) => {
    const withTerm = passages.filter((terms) => terms.has(term)).length;
    return Math.log(1 + passages.length / (1 + withTerm));
  });
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let best = 0;
  for (const terms of passages.slice(0, cited)) {
    let covered = 0;
    wanted.forEach((term, index) => {
      if (terms.has(term)) covered += weights[index]!;
    });
    best = Math.max(best, covered / total);
  }
  const known = wanted.filter((term) => passages.some((terms) => terms.has(term))).length;
  return { best, vocabulary: known / wanted.length };
};
