import { createHash } from 'node:crypto';
import { DEFAULT_DOCS_ASSETS_URL, SWAGGER_UI_INTEGRITY } from './swagger-ui-assets.js';

export { DEFAULT_DOCS_ASSETS_URL };

const escapeAttribute = (value: string) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The rendered page and the Content-Security-Policy that lets exactly its script run. */
export interface DocsPage {
  html: string;
  contentSecurityPolicy: string;
}

/**
 * The interactive documentation page, FastAPI's `/docs`: Swagger UI over `/openapi.json`,
 * with "Authorize" for the API key and "Try it out" on every operation. Its one inline script
 * is allowed by hash, so the policy needs no `unsafe-inline` for scripts; Swagger UI's files
 * are loaded with their pinned `integrity` hashes, and the API key entered in "Authorize" is
 * kept in the page only (`persistAuthorization: false`), never in `localStorage`.
 *
 * @example
 * const { html, contentSecurityPolicy } = docsPage({ assetsUrl: '/docs/assets', specUrl: '/openapi.json' });
 */
export const docsPage = (options: {
  assetsUrl: string;
  specUrl: string;
  /** Other origins "Try it out" may call: the streaming URL (plain HTTP locally). */
  connectOrigins?: readonly string[];
}): DocsPage => {
  const assets = options.assetsUrl.replace(/\/$/, '');
  const script = `window.ui = SwaggerUIBundle({ url: ${JSON.stringify(options.specUrl).replace(/</g, '\\u003c')}, dom_id: '#docs', deepLinking: true, persistAuthorization: false, tryItOutEnabled: true });`;
  const scriptHash = createHash('sha256').update(script).digest('base64');
  const origin = /^https?:\/\//.test(assets) ? new URL(assets).origin : "'self'";
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RAG API · docs</title>
<link rel="stylesheet" href="${escapeAttribute(assets)}/swagger-ui.css" integrity="${SWAGGER_UI_INTEGRITY['swagger-ui.css']}" crossorigin="anonymous">
</head>
<body>
<div id="docs"></div>
<script src="${escapeAttribute(assets)}/swagger-ui-bundle.js" integrity="${SWAGGER_UI_INTEGRITY['swagger-ui-bundle.js']}" crossorigin="anonymous"></script>
<script>${script}</script>
</body>
</html>`;
  return {
    html,
    contentSecurityPolicy: [
      "default-src 'none'",
      `script-src ${origin} 'sha256-${scriptHash}'`,
      `style-src ${origin} 'unsafe-inline'`,
      `img-src ${origin} data:`,
      ["connect-src 'self' https:", ...(options.connectOrigins ?? [])].join(' '),
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
  };
};
