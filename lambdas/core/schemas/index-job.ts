import { TENANT_ID_PATTERN, TENANT_ID_RULE } from '../auth/tenant-id.js';
import * as z from './zod-mini.js';

/**
 * The claim check the indexing queue carries: the text itself stays in the blob store. Written
 * with zod/mini: the indexer validates nothing else, so it bundles no classic zod.
 */
export const indexJobSchema = z.object({
  tenantId: z.string().check(z.regex(TENANT_ID_PATTERN, TENANT_ID_RULE)),
  documentId: z.uuid(),
  version: z.number().check(z.int(), z.positive()),
  part: z.optional(
    z
      .object({
        index: z.number().check(z.int(), z.minimum(0)),
        count: z.number().check(z.int(), z.minimum(2)),
        fromChunk: z.number().check(z.int(), z.minimum(0)),
        toChunk: z.number().check(z.int(), z.positive()),
        chunks: z.optional(z.number().check(z.int(), z.positive())),
      })
      .check(
        z.refine(
          (part) =>
            part.index < part.count &&
            part.fromChunk < part.toChunk &&
            (part.chunks === undefined || part.toChunk <= part.chunks),
          { message: 'index must be under count, fromChunk under toChunk, toChunk at most chunks' },
        ),
      ),
  ),
});
