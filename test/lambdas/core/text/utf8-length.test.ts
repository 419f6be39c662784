import { describe, expect, it } from 'vitest';
import { utf8Length } from '../../../../lambdas/core/text/utf8-length.js';

describe('utf8Length', () => {
  it('counts the UTF-8 bytes of every script and of characters outside the BMP', () => {
    const samples = [
      'path',
      'día',
      'パス',
      'தமிழ்',
      '😀 ok',
      '\ud800 lone',
      'end \ud83d',
      '\udc00x',
    ];

    expect(samples.map(utf8Length)).toEqual(samples.map((text) => Buffer.byteLength(text)));
  });
});
