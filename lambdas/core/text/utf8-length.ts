const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit < 0xe000;

/**
 * The length of `text` in UTF-8 bytes, without encoding it: what embedding requests are packed
 * by (`likelyTokens`), and what a stored stream piece weighs.
 *
 * @example
 * utf8Length('día'); // 4
 */
export const utf8Length = (text: string): number => {
  let bytes = 0;
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit < 0xdc00 && isLowSurrogate(text.charCodeAt(index + 1))) {
      // A surrogate pair: one code point of four bytes.
      bytes += 4;
      index += 1;
    } else bytes += 3; // a lone surrogate is encoded as U+FFFD, three bytes
  }
  return bytes;
};
