import * as z from '../schemas/zod-mini.js';
import type { ExtractedPage } from './extract-document.js';

const storedPagesSchema = z.object({
  pages: z.array(z.object({ page: z.number().check(z.int(), z.positive()), text: z.string() })),
});

/**
 * The blob of a paged document's extracted text, as the upload stores it for the indexer.
 *
 * @example
 * encodePages([{ page: 1, text: 'Hello' }]) // Buffer of '{"pages":[{"page":1,"text":"Hello"}]}'
 */
export const encodePages = (pages: readonly ExtractedPage[]): Buffer =>
  Buffer.from(JSON.stringify({ pages }), 'utf8');

/**
 * The pages of a blob made by {@link encodePages}.
 *
 * @throws Error when the blob is not such a document.
 */
export const decodePages = (blob: Uint8Array): ExtractedPage[] => {
  const parsed = storedPagesSchema.safeParse(JSON.parse(Buffer.from(blob).toString('utf8')));
  if (!parsed.success) throw new Error('The stored page texts are not valid');
  return parsed.data.pages;
};
