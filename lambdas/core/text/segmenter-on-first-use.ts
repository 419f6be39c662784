/**
 * An `Intl.Segmenter` (any language) of `granularity`, built on the first call and kept. The
 * first segmenter a process builds loads ICU's break-iterator data (8–13 ms on the bench
 * machine, later ones cost nothing), which a module's top level would make every cold start
 * pay, although Latin text never needs one: the callers segment only Thai or CJK runs, emoji,
 * combining marks or overlong words.
 *
 * @example
 * const graphemes = segmenterOnFirstUse('grapheme');
 * Array.from(graphemes().segment('👍🏽a')).length; // 2
 */
export const segmenterOnFirstUse = (
  granularity: NonNullable<Intl.SegmenterOptions['granularity']>,
): (() => Intl.Segmenter) => {
  let segmenter: Intl.Segmenter | undefined;
  return () => {
    segmenter ??= new Intl.Segmenter('und', { granularity });
    return segmenter;
  };
};
