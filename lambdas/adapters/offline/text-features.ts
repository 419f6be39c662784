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
 * A light English stemmer (a small part of Porter's): folds plural, `-ed` and `-ing` endings,
 * a final `e` and a final `y`, so that `parameters` meets `parameter`, `queries` meets `query`,
 * `cookies` meets `cookie` and `declared` meets `declare`. Both sides of a comparison go
 * through it, so a stem need not be a word. Short words and numbers are left alone.
 *
 * @example
 * stem('parameters'); // 'parameter'
 * stem('queries') === stem('query'); // true ('queri')
 */
export const stem = (word: string): string => {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let result = word;
  if (result.endsWith('sses')) result = result.slice(0, -2);
  else if (result.endsWith('ies')) result = `${result.slice(0, -3)}i`;
  else if (result.endsWith('s') && !/(ss|us|is)$/.test(result)) result = result.slice(0, -1);
  if (result.length > 5 && result.endsWith('ing')) result = result.slice(0, -3);
  else if (result.length > 4 && result.endsWith('ed')) result = result.slice(0, -2);
  if (result.length > 3 && result.endsWith('e')) result = result.slice(0, -1);
  if (result.length > 3 && result.endsWith('y')) result = `${result.slice(0, -1)}i`;
  return result;
};

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
  words(text)
    .filter((word) => !STOP_WORDS.has(word))
    .map(stem);

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
