import { describe, expect, it } from 'vitest';
import { withoutByteOrderMark } from '../../../../lambdas/core/ingestion/byte-order-mark.js';

describe('withoutByteOrderMark', () => {
  it('drops the UTF-8 byte order mark a file opens with', () => {
    const bytes = Buffer.from('\ufeffHello');

    expect(Buffer.from(withoutByteOrderMark(bytes)).toString('utf8')).toBe('Hello');
  });

  it('keeps a byte order mark past the start, which is text', () => {
    const bytes = Buffer.from('\ufeff\ufeffHello');

    expect(Buffer.from(withoutByteOrderMark(bytes)).toString('utf8')).toBe('\ufeffHello');
  });

  it('returns bytes without a mark as they are, even shorter than one', () => {
    const bytes = Buffer.from([0xef, 0xbb]);

    expect(withoutByteOrderMark(bytes)).toBe(bytes);
  });
});
