import { describe, expect, it } from 'vitest';
import { chunkText } from '../../../../lambdas/core/ingestion/chunk-text.js';

/** Where each chunk lies in `text`: [start, end) offsets (chunks are unique slices of it). */
const spans = (text: string, chunks: { text: string }[]) =>
  chunks.map(({ text: chunk }) => {
    const start = text.indexOf(chunk);
    expect(start).toBeGreaterThanOrEqual(0);
    expect(text.indexOf(chunk, start + 1)).toBe(-1);
    return [start, start + chunk.length] as const;
  });

describe('tokenWindows overlap', () => {
  const options = { maxTokens: 40, overlapTokens: 8, format: 'plain' as const };

  it('English windows repeat the end of the previous window (the baseline)', () => {
    const english = Array.from({ length: 80 }, (_, index) => `word${index}`).join(' ');
    const [first, second] = spans(english, chunkText(english, options));

    expect(second![0]).toBeLessThan(first![1]);
  });

  it('Chinese windows also repeat the end of the previous window', () => {
    // One paragraph of distinct sentences, without spaces, as Chinese is written.
    const chinese =
      '系统支持多种文件格式，包括网页和文本。上传的文件大小不能超过两兆字节。索引通常在几秒钟内完成。' +
      '如果索引失败，请查看文档的错误信息。删除文档时，它的所有片段也会一并删除。每个租户的数据彼此隔离。' +
      '回答会引用相关的段落并给出编号。会话的标题取自第一个问题。';
    const chunks = chunkText(chinese, options);
    const [first, second] = spans(chinese, chunks);

    expect(chunks.length).toBeGreaterThan(1);
    expect(second![0]).toBeLessThan(first![1]); // shares some characters with the first window
  });
});
