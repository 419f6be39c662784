import { wordsOf } from '../text/words.js';
import { type SparseVector, weightedQueryVector } from './sparse-vector.js';

/** Words that point back into the conversation ("it", "that one", "what about …"). */
const REFERS_BACK =
  /\b(it|its|this|that|these|those|they|them|their|there|one|ones|same|instead|also|else|too|either)\b/i;
const OPENS_FOLLOW_UP = /^\s*(and|but|or|so|also|then|what about|how about|what if)\b/i;

/** A question with this few distinct words is read as a follow-up ("And for headers?"). */
const SHORT_QUESTION_WORDS = 5;

/** What a question is retrieved with, once the conversation is taken into account. */
export interface ConversationalQuery {
  /** The text to embed for the dense side. */
  denseText: string;
  /** The BM25 query side. */
  lexical: SparseVector;
  /** Whether the conversation was drawn on. */
  followUp: boolean;
}

/**
 * Whether a question leans on the conversation before it: it refers back ("it", "that", "the
 * same"), opens like a follow-up ("And …", "What about …") or is too short to stand alone.
 *
 * @example
 * isFollowUp('And how do I restrict it to a fixed set of values?'); // true
 * isFollowUp('How do I declare path parameters with types?'); // false
 */
export const isFollowUp = (question: string): boolean => {
  // Words as ICU cuts them: by spaces in English, by its dictionary in Chinese or Japanese,
  // whose long questions would otherwise be one "word" each and always read as follow-ups.
  const words = new Set(wordsOf(question.toLowerCase()));
  return (
    REFERS_BACK.test(question) ||
    OPENS_FOLLOW_UP.test(question) ||
    words.size <= SHORT_QUESTION_WORDS
  );
};

/**
 * The retrieval query of a question in a conversation, model-free: a follow-up is retrieved
 * with the previous user question beside it — appended to the embedded text, and in the BM25
 * query with its words down-weighted (`contextWeight`), so the follow-up's own words lead. A
 * question that stands alone (or opens a conversation) is retrieved on its own words.
 *
 * @example
 * conversationalQuery('And how do I restrict it to a fixed set of values?', ['How do I declare a path parameter?'], 0.5)
 * // { denseText: 'How do I declare a path parameter?\nAnd how do I …', followUp: true, lexical: … }
 */
export const conversationalQuery = (
  question: string,
  previousQuestions: readonly string[],
  contextWeight: number,
): ConversationalQuery => {
  const previous = previousQuestions.at(-1);
  if (previous === undefined || contextWeight <= 0 || !isFollowUp(question)) {
    return {
      denseText: question,
      lexical: weightedQueryVector([{ text: question, weight: 1 }]),
      followUp: false,
    };
  }
  return {
    denseText: `${previous}\n${question}`,
    lexical: weightedQueryVector([
      { text: question, weight: 1 },
      { text: previous, weight: contextWeight },
    ]),
    followUp: true,
  };
};
