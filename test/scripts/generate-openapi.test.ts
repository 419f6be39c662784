import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../lambdas/http/openapi-document.js';
import { withServers } from '../../lambdas/http/openapi-servers.js';
import { OPENAPI_TEMPLATE_FILE, renderOpenApiTemplate } from '../../scripts/generate-openapi.js';

describe('npm run openapi', () => {
  it('has written the template the public function serves from the current schemas', () => {
    const committed = readFileSync(OPENAPI_TEMPLATE_FILE, 'utf8');

    // When this fails, run `npm run openapi` and commit lambdas/http/openapi-template.json.
    expect(committed).toBe(renderOpenApiTemplate());
  });

  it('gives the same document with servers as the generator itself', () => {
    const template = JSON.parse(readFileSync(OPENAPI_TEMPLATE_FILE, 'utf8')) as Record<
      string,
      unknown
    >;
    const options = {
      serverUrl: 'https://api.example.com',
      streamUrl: 'https://abc.lambda-url.eu-west-1.on.aws',
    };

    expect(withServers(template, options)).toEqual(buildOpenApiDocument(options));
  });
});
