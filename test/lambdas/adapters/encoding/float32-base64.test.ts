import { describe, expect, it } from 'vitest';
import {
  decodeFloat32Base64,
  decodeFloat32Numbers,
  encodeFloat32Base64,
} from '../../../../lambdas/adapters/encoding/float32-base64.js';

/** OpenAI's base64 form of [0.5, -1, 3.25]: little-endian float32, written out byte by byte. */
const OPENAI_FORM = Buffer.from([
  0x00, 0x00, 0x00, 0x3f, 0x00, 0x00, 0x80, 0xbf, 0x00, 0x00, 0x50, 0x40,
]).toString('base64');

describe('float32 base64', () => {
  it('decodes the little-endian float32 form OpenAI sends', () => {
    expect(Array.from(decodeFloat32Base64(OPENAI_FORM))).toEqual([0.5, -1, 3.25]);
  });

  it('encodes to the same form', () => {
    expect(encodeFloat32Base64([0.5, -1, 3.25])).toBe(OPENAI_FORM);
  });

  it('encodes a Float32Array to the same form', () => {
    expect(encodeFloat32Base64(new Float32Array([0.5, -1, 3.25]))).toBe(OPENAI_FORM);
  });

  it('encodes only the elements of a Float32Array that views part of a buffer', () => {
    const buffer = new Float32Array([9, 0.5, -1, 3.25, 9]).buffer;

    expect(encodeFloat32Base64(new Float32Array(buffer, 4, 3))).toBe(OPENAI_FORM);
  });

  it('round-trips a vector at float32 precision', () => {
    const vector = Array.from({ length: 1536 }, (_, index) => Math.sin(index) / 7);

    const decoded = decodeFloat32Base64(encodeFloat32Base64(vector));

    expect(Array.from(decoded)).toEqual(vector.map((value) => Math.fround(value)));
  });

  it('decodes a value whose bytes sit at an odd offset of the buffer pool', () => {
    // A short string decodes into Node's shared pool, often at an offset not divisible by 4.
    const values = [1, 2, 3, 4, 5].map((first) => [first, -first]);

    const decoded = values.map((vector) =>
      Array.from(decodeFloat32Base64(encodeFloat32Base64(vector))),
    );

    expect(decoded).toEqual(values);
  });

  it('refuses a value cut short', () => {
    const truncated = Buffer.from(OPENAI_FORM, 'base64').subarray(1).toString('base64');

    expect(() => decodeFloat32Base64(truncated)).toThrow(RangeError);
  });

  it('gives plain numbers for the ports', () => {
    const numbers = decodeFloat32Numbers(OPENAI_FORM);

    expect(Array.isArray(numbers)).toBe(true);
    expect(numbers).toEqual([0.5, -1, 3.25]);
  });
});
