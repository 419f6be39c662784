import * as z from '../core/schemas/zod-mini.js';

/**
 * `?deep=true` of `GET /health`. Written with zod/mini: it is the only input the public
 * function validates, so that function bundles no classic zod.
 */
export const healthQuery = z.object({
  deep: z._default(z.enum(['true', 'false']), 'false').register(z.globalRegistry, {
    description: 'Also probe each dependency (table, vector store, model); 503 when one is down.',
  }),
});
