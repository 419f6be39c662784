import { isJudgedTerm, lexicalTerms, stemWord } from '../../core/retrieval/lexical-terms.js';
/**
 * Words that carry little meaning on their own in English prose and questions. Left out of the
 * features, so that "How do I declare path parameters?" is about `declare`, `path` and
 * `parameter`, not about `how` and `do`.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before ' +
    'being below between both but by can could did do does doing down during each either else ' +
    'etc few for from further get gets got had has have having he her here hers herself him ' +
    'himself his how i if in into is it its itself just let lets like may me might more most ' +
    'much must my myself no nor not now of off on once only or other our ours ourselves out over ' +
    'own please same shall she should so some such than that the their theirs them themselves ' +
    'then there these they this those through to too under until up upon us use used using very ' +
    'via was we were what when where which while who whom whose why will with within without ' +
    'would yes yet you your yours yourself yourselves dont doesnt didnt isnt arent cant wont'
  ).split(' '),
);

/**
 * The words of a text: identifiers split (`CORSMiddleware` is `cors middleware`), lower-cased,
 * accents folded, apostrophes joined (`don't` is `dont`), punctuation, symbols and single
 * letters dropped.
 *
 * @example
 * words("Path-Parameters, déclarés! Don't"); // ['path', 'parameters', 'declares', 'dont']
 */
export const words = (text: string): string[] =>
  (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .replace(/['\u2019]/g, '')
      .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).filter((word) => word.length > 1 || /\d/.test(word));

/**
 * The content terms of a text, in order: its words without stop words, stemmed.
 *
 * @example
 * contentTerms('How do I declare path parameters?'); // ['declar', 'path', 'parameter']
 */
export const contentTerms = (text: string): string[] =>
  words(text).flatMap((word) => {
    if (STOP_WORDS.has(word)) return [];
    // A run of Chinese or Thai is a sentence, not a word: read it as the BM25 tokenizer does.
    return isJudgedTerm(word) ? [stemWord(word)] : lexicalTerms(word);
  });

/**
 * Unigram and word-pair (bigram) features of a text with their counts. Bigrams join adjacent
 * content terms, so `path parameters` yields `path`, `parameter` and `path parameter`.
 *
 * @example
 * textFeatures('path parameters'); // Map { 'path' => 1, 'parameter' => 1, 'path parameter' => 1 }
 */
export const textFeatures = (text: string): Map<string, number> => {
  const terms = contentTerms(text);
  const features = new Map<string, number>();
  const add = (feature: string) => features.set(feature, (features.get(feature) ?? 0) + 1);
  terms.forEach((term, index) => {
    add(term);
    const next = terms[index + 1];
    if (next !== undefined) add(`${term} ${next}`);
  });
  return features;
};
