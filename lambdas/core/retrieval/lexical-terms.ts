/**
 * English words too common to tell passages apart. Left out of lexical terms, so that "How do I
 * declare path parameters?" is about `declare`, `path` and `parameter`.
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
    'would yes yet you your yours yourself yourselves dont doesnt didnt isnt arent cant wont ' +
    'one ones thing things way make want need work works happen mean actually really exactly'
  ).split(' '),
);

/**
 * A light English stemmer (a small part of Porter's): folds plural, `-ed` and `-ing` endings,
 * a final `e` and a final `y`, so `parameters` meets `parameter`, `queries` meets `query` and
 * `declared` meets `declare`. Both sides of a comparison go through it, so a stem need not be a
 * word. Short words and words with digits are left alone.
 *
 * @example
 * stemWord('parameters'); // 'parameter'
 * stemWord('queries') === stemWord('query'); // true
 */
export const stemWord = (word: string): string => {
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

/** Raw tokens: runs of letters, digits and underscores (code identifiers stay in one piece). */
const TOKEN = /[\p{L}\p{N}_]+/gu;

/** Splits an identifier at underscores and case changes: `HTTPException` → `HTTP`, `Exception`. */
const identifierParts = (token: string): string[] =>
  token
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[\s_]+/)
    .filter((part) => part.length > 0);

const keep = (word: string): boolean =>
  (word.length > 1 || /\d/.test(word)) && !STOP_WORDS.has(word);

/**
 * Scripts written without spaces between words (Chinese, Japanese) or with particles joined to
 * them (Korean): a run of them is one raw token, so it is read as overlapping pairs of
 * characters instead, as Lucene's CJK analyzer does, and `路径参数` meets `把路径参数限制`.
 */
const CJK_RUN = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]+/gu;
const HAS_CJK = new RegExp(CJK_RUN.source, 'u');

/**
 * Whether a term is a CJK character pair (or lone character) of {@link lexicalTerms}, not a word.
 *
 * @example
 * isCharacterPair('路径'); // true
 * isCharacterPair('path'); // false
 */
export const isCharacterPair = (term: string): boolean => HAS_CJK.test(term);

/** A run of CJK characters as its overlapping character pairs (a lone character alone). */
const characterPairs = (run: string): string[] => {
  const characters = Array.from(run);
  if (characters.length === 1) return characters;
  return characters.slice(1).map((character, index) => `${characters[index]}${character}`);
};

/** The terms of one raw token, as {@link lexicalTerms} describes them. */
const termsOfToken = (token: string): readonly string[] => {
  if (HAS_CJK.test(token)) return termsOfMixedToken(token);
  return termsOfWord(token);
};

/** A token holding CJK runs: the runs as character pairs, the rest as words, in order. */
const termsOfMixedToken = (token: string): string[] => {
  const terms: string[] = [];
  let from = 0;
  for (const match of token.matchAll(CJK_RUN)) {
    if (match.index > from) terms.push(...termsOfWord(token.slice(from, match.index)));
    terms.push(...characterPairs(match[0]));
    from = match.index + match[0].length;
  }
  if (from < token.length) terms.push(...termsOfWord(token.slice(from)));
  return terms;
};

/** The terms of a word of a script written with spaces. */
const termsOfWord = (token: string): string[] => {
  const terms: string[] = [];
  const parts = identifierParts(token);
  if (parts.length > 1) {
    const whole = token.toLowerCase();
    if (keep(whole)) terms.push(whole);
  }
  for (const part of parts) {
    const word = part.toLowerCase();
    if (keep(word)) terms.push(stemWord(word));
  }
  return terms;
};

/**
 * Tokens repeat a lot (a corpus of 2 000 passages has some 20 000 distinct ones), so their
 * terms are remembered; the cache is emptied when it grows past this, to bound its memory.
 */
const CACHE_LIMIT = 50_000;
const tokenCache = new Map<string, readonly string[]>();

/**
 * A text as {@link lexicalTerms} tokenizes it: compatibility forms decomposed and accents
 * dropped (NFKD, then combining marks removed), apostrophes removed so `don't` is one token.
 *
 * @example
 * foldText("Café's"); // 'Cafes'
 */
export const foldText = (text: string): string => {
  // Only text outside ASCII can carry combining marks worth folding.
  const ascii = !/[\u0080-\uffff]/.test(text);
  const folded = ascii
    ? text
    : text
        .normalize('NFKD')
        // Kana keep their voicing marks (パ is not ハ); NFC then joins them again, and joins
        // the Hangul syllables NFKD took apart.
        .replace(/(?<![\p{scx=Hiragana}\p{scx=Katakana}])\p{M}+/gu, '')
        .normalize('NFC');
  return folded.replace(/['\u2019]/g, '');
};

/**
 * The lexical terms of a text, in order, with repeats: Unicode-aware (NFKD, accents folded,
 * any script's letters), lower-cased, stop words and single letters dropped, plain words
 * stemmed; Chinese, Japanese and Korean read as overlapping pairs of characters. A code identifier is kept whole (lower-cased, unstemmed) and also split into its
 * stemmed parts, so both `UploadFile` and "upload a file" find it.
 *
 * The indexer and every query use this same function, in every vector store, so lexical
 * rankings agree between the embedded store and Qdrant.
 *
 * @example
 * lexicalTerms('Use UploadFile for files'); // ['uploadfile', 'upload', 'fil', 'fil']
 * lexicalTerms('response_model'); // ['response_model', 'respons', 'model']
 */
export const lexicalTerms = (text: string): string[] => {
  const folded = foldText(text);
  const terms: string[] = [];
  for (const [token] of folded.matchAll(TOKEN)) {
    for (const term of tokenTerms(token)) terms.push(term);
  }
  return terms;
};

/**
 * The lexical terms of one raw token (a run of letters, digits and underscores), remembered:
 * what {@link lexicalTerms} gives for a text of that token alone.
 *
 * @example
 * tokenTerms('UploadFile'); // ['uploadfile', 'upload', 'fil']
 */
export const tokenTerms = (token: string): readonly string[] => {
  let cached = tokenCache.get(token);
  if (cached === undefined) {
    if (tokenCache.size >= CACHE_LIMIT) tokenCache.clear();
    cached = termsOfToken(token);
    tokenCache.set(token, cached);
  }
  return cached;
};
