/**
 * The first `maxUnits` UTF-16 code units of `text`, or one fewer where the cut would split a
 * surrogate pair (an emoji, a rare CJK character): a lone half would reach clients as `\ud83d`
 * and show as a replacement character.
 *
 * @example
 * truncate('ab😀', 3); // 'ab'
 * truncate('ab😀', 4); // 'ab😀'
 */
export const truncate = (text: string, maxUnits: number): string => {
  if (text.length <= maxUnits) return text;
  const last = text.charCodeAt(maxUnits - 1);
  const splitsPair = maxUnits > 0 && last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? maxUnits - 1 : maxUnits);
};
