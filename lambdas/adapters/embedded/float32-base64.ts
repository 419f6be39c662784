/**
 * Encodes a vector as little-endian float32 in base64: a quarter of the size of its JSON
 * numbers, and the precision vector stores keep anyway.
 *
 * @example
 * decodeFloat32Base64(encodeFloat32Base64([0.5, -1])); // Float32Array [0.5, -1]
 */
export const encodeFloat32Base64 = (vector: ArrayLike<number>): string => {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index += 1) {
    bytes.writeFloatLE(vector[index] ?? 0, index * 4);
  }
  return bytes.toString('base64');
};

/** Decodes {@link encodeFloat32Base64}'s output; throws a RangeError on a truncated value. */
export const decodeFloat32Base64 = (text: string): Float32Array => {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError('not a float32 vector');
  const vector = new Float32Array(bytes.length / 4);
  for (let index = 0; index < vector.length; index += 1)
    vector[index] = bytes.readFloatLE(index * 4);
  return vector;
};
