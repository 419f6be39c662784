/**
 * A `RegExp` of `source` and `flags`, built on the first call and kept. A pattern of Unicode
 * script classes (`\p{scx=Han}`, …) costs V8 a walk of every code point through ICU when it
 * is built and again when it first runs, and a regular expression literal is also checked
 * when its file is parsed, called or not (for the spaceless scripts' pattern of
 * `lexicalTerms`: 6, 7 and 12 million instructions, under callgrind); built from a string on
 * first use, that cost is paid only by the texts that need the pattern.
 *
 * @example
 * const han = regExpOnFirstUse('\\p{scx=Han}', 'u');
 * han().test('路'); // true
 */
export const regExpOnFirstUse = (source: string, flags: string): (() => RegExp) => {
  let pattern: RegExp | undefined;
  return () => {
    pattern ??= new RegExp(source, flags);
    return pattern;
  };
};
