import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCS_ASSETS_URL, docsPage } from '../../../lambdas/http/docs-page.js';
import {
  SWAGGER_UI_INTEGRITY,
  SWAGGER_UI_VERSION,
} from '../../../lambdas/http/swagger-ui-assets.js';

const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const sriOf = (file: string) =>
  `sha384-${createHash('sha384')
    .update(readFileSync(join(SWAGGER_UI_DIR, file)))
    .digest('base64')}`;

describe('docsPage', () => {
  const page = docsPage({ assetsUrl: DEFAULT_DOCS_ASSETS_URL, specUrl: '/openapi.json' });

  it('loads Swagger UI from the CDN at the exact version installed, not a floating major', () => {
    const installed = JSON.parse(readFileSync(join(SWAGGER_UI_DIR, 'package.json'), 'utf8'));

    expect(SWAGGER_UI_VERSION).toBe(installed.version);
    expect(page.html).toContain(
      `src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@${installed.version}/swagger-ui-bundle.js"`,
    );
  });

  it('pins each Swagger UI file with the integrity hash of the installed release', () => {
    const expected = {
      'swagger-ui-bundle.js': sriOf('swagger-ui-bundle.js'),
      'swagger-ui.css': sriOf('swagger-ui.css'),
    };

    expect(SWAGGER_UI_INTEGRITY).toEqual(expected);
  });

  it('loads every external file with its integrity hash and CORS, so a changed file is refused', () => {
    const external = [...page.html.matchAll(/<(script|link)\b[^>]*\b(src|href)="[^"]+"[^>]*>/g)];

    expect(external.map(([tag]) => /integrity="(sha384-[^"]+)"/.exec(tag)?.[1])).toEqual([
      SWAGGER_UI_INTEGRITY['swagger-ui.css'],
      SWAGGER_UI_INTEGRITY['swagger-ui-bundle.js'],
    ]);
    expect(external.every(([tag]) => tag.includes('crossorigin="anonymous"'))).toBe(true);
  });

  it('keeps the API key entered in Authorize out of localStorage', () => {
    expect(page.html).toContain('persistAuthorization: false');
    expect(page.html).not.toContain('persistAuthorization: true');
  });

  it('allows its inline script by hash', () => {
    const script = /<script>(.*)<\/script>/.exec(page.html)?.[1] ?? '';
    const hash = createHash('sha256').update(script).digest('base64');

    expect(page.contentSecurityPolicy).toContain(`'sha256-${hash}'`);
  });
});
