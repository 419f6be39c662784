/**
 * `npm run openapi`: writes the OpenAPI template (`buildOpenApiTemplate`, generated from the route
 * table and the zod schemas) to `lambdas/http/openapi-template.json`, the file the public
 * function serves. `test/scripts/generate-openapi.test.ts` fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildOpenApiTemplate } from '../lambdas/http/openapi-document.js';

/** Where the template is kept, committed beside the code that reads it. */
export const OPENAPI_TEMPLATE_FILE = fileURLToPath(
  new URL('../lambdas/http/openapi-template.json', import.meta.url),
);

/**
 * The template as the file holds it: JSON, two-space indented, with a final newline.
 *
 * @example
 * writeFileSync(OPENAPI_TEMPLATE_FILE, renderOpenApiTemplate());
 */
export const renderOpenApiTemplate = (): string =>
  `${JSON.stringify(buildOpenApiTemplate(), null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(OPENAPI_TEMPLATE_FILE, renderOpenApiTemplate());
  console.log(`wrote ${OPENAPI_TEMPLATE_FILE}`);
}
