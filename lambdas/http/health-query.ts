import * as z from '../core/schemas/zod-mini.js';

/**
 * `?deep=true` of `GET /health`; any other parameter is a 400 (a mistyped `?Deep=true` must not
 * pass for the deep check). Written with zod/mini: it is the only input the public
 * function validates, so that function bundles no classic zod.
 */
export const healthQuery = z.strictObject({
  deep: z._default(z.enum(['true', 'false']), 'false').register(z.globalRegistry, {
    description: 'Also probe each dependency (table, vector store, model); 503 when one is down.',
  }),
});
