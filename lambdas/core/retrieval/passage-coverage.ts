import type { ScoredChunk } from '../ports/vector-store.js';
import { lexicalTerms } from './lexical-terms.js';

/**
 * How much of a question the best passage speaks to: the largest fraction, over the passages,
 * of the question's distinct lexical terms that the passage contains. 0 for a question with no
 * content words. The abstention rule compares it with a floor chosen by `npm run eval`.
 *
 * @example
 * passageCoverage('How do I bake sourdough bread?', chunks); // 0 on a web framework's docs
 */
export const passageCoverage = (question: string, chunks: readonly ScoredChunk[]): number => {
  const wanted = new Set(lexicalTerms(question));
  if (wanted.size === 0) return 0;
  let best = 0;
  for (const chunk of chunks) {
    const present = new Set(lexicalTerms(`${chunk.title}\n${chunk.text}`));
    let shared = 0;
    for (const term of wanted) if (present.has(term)) shared += 1;
    best = Math.max(best, shared / wanted.size);
  }
  return best;
};
