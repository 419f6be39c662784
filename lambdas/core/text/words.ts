import { segmenterOnFirstUse } from './segmenter-on-first-use.js';

const words = segmenterOnFirstUse('word');

/**
 * The words of a text as ICU's word segmenter cuts them: at spaces and punctuation in English,
 * by its dictionaries in Chinese, Japanese and Thai, which put no spaces between words.
 *
 * @example
 * wordsOf('How do I upload?'); // ['How', 'do', 'I', 'upload']
 * wordsOf('上传文件的大小'); // ['上传', '文件', '的', '大小']
 */
export const wordsOf = (text: string): string[] =>
  Array.from(words().segment(text), (part) => (part.isWordLike ? part.segment : '')).filter(
    (word) => word !== '',
  );
