import { regExpOnFirstUse } from '../text/regexp-on-first-use.js';
import { segmenterOnFirstUse } from '../text/segmenter-on-first-use.js';

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

/**
 * Raw tokens: runs of letters, digits and underscores (code identifiers stay in one piece), with
 * the marks that remain after {@link foldText} (the vowel signs of Devanagari or Thai, which
 * belong to their words).
 */
const TOKEN = /[\p{L}\p{N}_][\p{L}\p{M}\p{N}_]*/gu;

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
const CJK_RUN = String.raw`[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]+`;

/**
 * Other scripts written without spaces between words (Thai, Lao, Khmer, Burmese), whose
 * characters take combining vowel and tone marks: a run of them is cut into words by the
 * runtime's ICU word segmenter (dictionary-based for Thai and Lao).
 */
const SEGMENTED_RUN = String.raw`[\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}][\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}\p{M}]*`;

/*
 * The script patterns are sources, built into expressions on first use: none of those scripts
 * has an ASCII character, so ASCII tokens (all of an English text's) never build them
 * (`regExpOnFirstUse` says what that saves a cold start).
 */

/** A run of a spaceless script: its CJK or its segmented part. */
const spacelessRun = regExpOnFirstUse(`${CJK_RUN}|${SEGMENTED_RUN}`, 'gu');
const hasSpaceless = regExpOnFirstUse(`${CJK_RUN}|${SEGMENTED_RUN}`, 'u');
const isCjk = regExpOnFirstUse(`^${CJK_RUN}$`, 'u');

/** A character outside ASCII: a token without one has no spaceless script ({@link ASCII_JUDGED}). */
const NON_ASCII = /[\u0080-\uffff]/;

const wordSegmenter = segmenterOnFirstUse('word');

/** A Thai (Lao, Khmer, Burmese) run as its words. */
const segmentedWords = (run: string): string[] =>
  Array.from(wordSegmenter().segment(run), (part) => (part.isWordLike ? part.segment : '')).filter(
    (word) => word !== '',
  );

/** Terms in the script {@link lexicalTerms}' stop words and the abstention floors know. */
const judged = regExpOnFirstUse(String.raw`^[\p{scx=Latin}\p{N}_]+$`, 'u');

/** {@link judged} for an ASCII term: the ASCII letters are Latin, the ASCII digits numbers. */
const ASCII_JUDGED = /^[A-Za-z0-9_]+$/;

/**
 * Whether a term is written in Latin letters and digits: the terms the abstention floors, chosen
 * on an English labelled set with English stop words, can judge. A Chinese character pair (many
 * straddle two words, so no passage holds them) or a Russian or Thai question word (no stop
 * words for it) would count against a question the documents answer.
 *
 * @example
 * isJudgedTerm('uploadfile'); // true
 * isJudgedTerm('路径'); // false
 */
export const isJudgedTerm = (term: string): boolean =>
  NON_ASCII.test(term) ? judged().test(term) : ASCII_JUDGED.test(term);

/** A run of CJK characters as its overlapping character pairs (a lone character alone). */
const characterPairs = (run: string): string[] => {
  const characters = Array.from(run);
  if (characters.length === 1) return characters;
  return characters.slice(1).map((character, index) => `${characters[index]}${character}`);
};

/** The terms of one raw token, as {@link lexicalTerms} describes them. */
const termsOfToken = (token: string): readonly string[] => {
  if (NON_ASCII.test(token) && hasSpaceless().test(token)) return termsOfMixedToken(token);
  return termsOfWord(token);
};

/** A token holding runs of spaceless scripts: those runs read as such, the rest as words. */
const termsOfMixedToken = (token: string): string[] => {
  const terms: string[] = [];
  let from = 0;
  for (const match of token.matchAll(spacelessRun())) {
    if (match.index > from) terms.push(...termsOfWord(token.slice(from, match.index)));
    const run = match[0];
    terms.push(...(isCjk().test(run) ? characterPairs(run) : segmentedWords(run)));
    from = match.index + run.length;
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

/** A character with the combining marks that follow it. */
const MARKED = /(\P{M})\p{M}+/gu;

const latinGreekCyrillic = regExpOnFirstUse(
  String.raw`[\p{scx=Latin}\p{scx=Greek}\p{scx=Cyrillic}]`,
  'u',
);

/** Whether the marks on `base` are part of its letter: letters outside Latin, Greek, Cyrillic. */
const keepsMarks = (base: string): boolean =>
  /\p{L}/u.test(base) && !latinGreekCyrillic().test(base);

/** Folds a stretch of text as {@link foldText} describes; see {@link NON_ASCII_RUN}. */
const foldStretch = (stretch: string): string =>
  stretch
    .normalize('NFKD')
    // Accents of Latin, Greek and Cyrillic letters go (and marks on digits or symbols); other
    // scripts' marks are their letters' parts (Devanagari vowel signs, kana voicing, Thai
    // tones) and stay. NFC then joins what NFKD took apart (kana with their marks, Hangul
    // syllables).
    .replace(MARKED, (marked: string, base: string) => (keepsMarks(base) ? marked : base))
    .normalize('NFC')
    // Spellings that case cannot join: German ß is ss (STRASSE), Turkish dotless ı is i.
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i');

/**
 * A run of characters outside ASCII with the character before it (a base its combining marks
 * may sit on). Folding is the same run by run as over the whole text: ASCII characters are
 * left as they are by NFKD and NFC, take no part in reordering marks (they are starters), are
 * no mark, and compose with nothing that comes before them. So only these runs are folded:
 * a passage of English with a few emoji or arrows (half this corpus's passages) is not
 * normalized whole, which took most of the abstention check's time before each answer.
 */
const NON_ASCII_RUN = /[^\u0080-\uffff]?[\u0080-\uffff]+/g;

/**
 * A text as {@link lexicalTerms} tokenizes it: compatibility forms decomposed and accents
 * dropped (NFKD, then combining marks removed), apostrophes removed so `don't` is one token.
 *
 * @example
 * foldText("Café's"); // 'Cafes'
 */
export const foldText = (text: string): string => {
  // Only text outside ASCII can carry combining marks worth folding.
  const folded = NON_ASCII.test(text) ? text.replace(NON_ASCII_RUN, foldStretch) : text;
  return folded.replace(/['\u2019]/g, '');
};

/**
 * The lexical terms of a text, in order, with repeats: Unicode-aware (NFKD, accents folded,
 * any script's letters), lower-cased, stop words and single letters dropped, plain words
 * stemmed; Chinese, Japanese and Korean read as overlapping pairs of characters, Thai, Lao,
 * Khmer and Burmese cut into words by ICU's word segmenter. A code identifier is kept whole (lower-cased, unstemmed) and also split into its
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
