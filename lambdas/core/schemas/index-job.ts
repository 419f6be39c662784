import * as z from './zod-mini.js';

/**
 * The claim check the indexing queue carries: the text itself stays in the blob store. Written
 * with zod/mini: the indexer validates nothing else, so it bundles no classic zod.
 */
export const indexJobSchema = z.object({
  tenantId: z.string().check(z.minLength(1), z.maxLength(64)),
  documentId: z.uuid(),
  version: z.number().check(z.int(), z.positive()),
});
