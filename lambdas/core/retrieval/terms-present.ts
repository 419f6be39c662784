import { foldText, lexicalTerms, tokenTerms } from './lexical-terms.js';

/** A run of characters outside ASCII (UTF-16 code units, so a surrogate pair stays whole). */
const NON_ASCII_RUN = /[\u0080-\uffff]+/g;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Whether a text has a letter or digit outside ASCII: part of a token that lower-casing may not
 * keep in place. Only its runs outside ASCII are searched (a passage of English with a few
 * emoji has short ones), not every character of it.
 */
const hasNonAsciiWordChar = (text: string): boolean => {
  for (const [run] of text.matchAll(NON_ASCII_RUN)) if (LETTER_OR_DIGIT.test(run)) return true;
  return false;
};

/** Whether a UTF-16 code unit is one of a raw token's (ASCII letters, digits, underscore). */
const isTokenChar = (code: number): boolean =>
  (code >= 48 && code <= 57) ||
  (code >= 65 && code <= 90) ||
  (code >= 97 && code <= 122) ||
  code === 95;

/**
 * Which of `wanted` (lexical terms, as {@link lexicalTerms} makes them) occur among the terms
 * of `text`: the same answer as intersecting `wanted` with `new Set(lexicalTerms(text))`, found
 * without tokenizing the whole text. The coverage of a question is measured on some fifty
 * passages before every answer, so this sits on the path to the first token.
 *
 * It relies on what a term is: a token's lower-cased whole, or a lower-cased part of it that
 * {@link stemWord} shortened at most by a suffix, turning a final `y` or `ies` into `i`. So a
 * term, less a final `i`, appears in the lower-cased text inside every token that yields it; only
 * the tokens around those places are tokenized. The text is folded first as lexicalTerms folds
 * it; one whose tokens hold letters or digits outside ASCII (where lower-casing may move
 * characters) is tokenized whole, while symbols and emoji, which are no part of a token, keep
 * the fast path.
 *
 * @example
 * termsPresent('Use UploadFile for files', ['fil', 'kafka']); // Set { 'fil' }
 */
export const termsPresent = (text: string, wanted: Iterable<string>): Set<string> => {
  const found = new Set<string>();
  const folded = foldText(text);
  const lower = folded.toLowerCase();
  if (lower.length !== folded.length || hasNonAsciiWordChar(folded)) {
    const terms = new Set(lexicalTerms(text));
    for (const term of wanted) if (terms.has(term)) found.add(term);
    return found;
  }
  for (const term of wanted) {
    const needle = term.length > 1 && term.endsWith('i') ? term.slice(0, -1) : term;
    if (needle.length === 0) continue;
    let at = lower.indexOf(needle);
    while (at !== -1) {
      let start = at;
      let end = at + needle.length;
      while (start > 0 && isTokenChar(folded.charCodeAt(start - 1))) start -= 1;
      while (end < folded.length && isTokenChar(folded.charCodeAt(end))) end += 1;
      const token = folded.slice(start, end);
      if (token.length > 0 && tokenTerms(token).includes(term)) {
        found.add(term);
        break;
      }
      at = lower.indexOf(needle, Math.max(end, at + 1));
    }
  }
  return found;
};
