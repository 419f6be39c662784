import { truncate } from '../../core/text/truncate.js';
import { wordsOf } from '../../core/text/words.js';
import { plainSentences } from './plain-sentences.js';
import type { PromptContext } from './prompt-context.js';
import { textFeatures } from './text-features.js';

/** Options of {@link extractiveAnswer}. */
export interface ExtractiveAnswerOptions {
  /** Most sentences quoted in all (default 4). */
  maxSentences?: number;
  /** Most sentences quoted from one source (default 2). */
  maxPerSource?: number;
}

interface Candidate {
  sourceIndex: number;
  position: number;
  sentence: string;
  score: number;
}

const MIN_WORDS = 4;

/** The answer when the prompt carries no source at all. */
export const NOTHING_FOUND =
  'I found nothing relevant to this question in the indexed documents, so I cannot answer it from them. Try rephrasing it, or upload a document that covers it.';

const scoreSentence = (question: Map<string, number>, sentence: string): number => {
  const features = textFeatures(sentence);
  let matched = 0;
  let terms = 0;
  for (const feature of features.keys()) {
    const pair = feature.includes(' ');
    if (!pair) terms += 1;
    if (question.has(feature)) matched += pair ? 2 : 1;
  }
  return matched / Math.sqrt(Math.max(8, terms));
};

/**
 * Builds an answer by quoting the retrieved passages, each sentence followed by its source's
 * citation (`[N]`). The sentences that share the most words and word pairs with the question
 * win (per word, so long sentences do not win by size), earlier (better-ranked) sources break
 * ties, and the chosen ones are shown in source order. With no source it says so honestly;
 * with sources that share no word with the question it quotes the best-ranked one and says
 * that it does not answer directly.
 *
 * @example
 * extractiveAnswer({ question: 'What are path parameters?', sources });
 * // 'From the indexed documents:\n\nYou can declare path parameters ... [1]'
 */
export const extractiveAnswer = (
  context: PromptContext,
  options: ExtractiveAnswerOptions = {},
): string => {
  const maxSentences = options.maxSentences ?? 4;
  const maxPerSource = options.maxPerSource ?? 2;
  if (context.sources.length === 0) return NOTHING_FOUND;
  const question = textFeatures(context.question);
  const candidates: Candidate[] = [];
  context.sources.forEach((source, sourceIndex) => {
    plainSentences(source.text).forEach((sentence, position) => {
      if (wordsOf(sentence).length < MIN_WORDS) return;
      const score = scoreSentence(question, sentence) * (1 - 0.05 * Math.min(sourceIndex, 10));
      candidates.push({ sourceIndex, position, sentence: sentence.replace(/:$/, '.'), score });
    });
  });
  const chosen: Candidate[] = [];
  const perSource = new Map<number, number>();
  const seen = new Set<string>();
  for (const candidate of [...candidates].sort((a, b) => b.score - a.score)) {
    if (candidate.score <= 0 || chosen.length >= maxSentences) break;
    const taken = perSource.get(candidate.sourceIndex) ?? 0;
    if (taken >= maxPerSource || seen.has(candidate.sentence)) continue;
    perSource.set(candidate.sourceIndex, taken + 1);
    seen.add(candidate.sentence);
    chosen.push(candidate);
  }
  if (chosen.length === 0) {
    const [first] = context.sources;
    const opening = candidates.find((candidate) => candidate.sourceIndex === 0)?.sentence;
    // Cut between user-perceived characters: a code unit cut left half an emoji.
    const quote = opening ?? (first ? truncate(first.text, 300).trim() : '');
    const title = first?.title ? ` ("${first.title}")` : '';
    return `None of the retrieved passages answers this directly. The closest one${title} says: ${quote} [${first?.id ?? '1'}]`;
  }
  chosen.sort((a, b) => a.sourceIndex - b.sourceIndex || a.position - b.position);
  const paragraphs: string[] = [];
  let current: Candidate[] = [];
  const flush = () => {
    const [head] = current;
    if (head === undefined) return;
    const id = context.sources[head.sourceIndex]?.id ?? String(head.sourceIndex + 1);
    paragraphs.push(current.map((candidate) => `${candidate.sentence} [${id}]`).join(' '));
    current = [];
  };
  for (const candidate of chosen) {
    if (current[0] !== undefined && current[0].sourceIndex !== candidate.sourceIndex) flush();
    current.push(candidate);
  }
  flush();
  return `From the indexed documents:\n\n${paragraphs.join('\n\n')}`;
};
