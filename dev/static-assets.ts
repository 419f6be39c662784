import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HttpProblem } from '../lambdas/core/problem.js';
import { writeProblem } from './write-problem.js';

const PLAYGROUND_DIR = resolve(dirname(fileURLToPath(import.meta.url)), 'playground');
const SWAGGER_UI_DIR = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
};

/** What the playground needs to know about this stack, served at `/playground/config.json`. */
export interface PlaygroundConfig {
  streamUrl: string;
  apiKey: string;
}

/** Resolves `relative` inside `root`, or undefined when it would escape it. */
const inside = (root: string, relative: string): string | undefined => {
  const path = normalize(join(root, relative));
  return path.startsWith(root + sep) ? path : undefined;
};

const send = async (
  request: IncomingMessage,
  response: ServerResponse,
  path: string | undefined,
  headers: Record<string, string> = {},
) => {
  const body = path ? await readFile(path).catch(() => undefined) : undefined;
  if (!body) {
    // The same problem document as the API's own 404s, beside which these pages are served.
    writeProblem(response, new HttpProblem(404), {
      instance: new URL(request.url ?? '/', 'http://local').pathname,
    });
    return;
  }
  response.writeHead(200, {
    'content-type': TYPES[extname(path!)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(body);
};

/**
 * Serves the local stack's pages beside the API: the playground at `/` (plain files under
 * `dev/playground`, no build step), its icon (also at `/favicon.ico`), its configuration, and Swagger UI's assets for `/docs` from
 * the installed `swagger-ui-dist`, so the docs work offline. Answers true when it handled the
 * request; every other request goes to the API.
 *
 * @example
 * httpApiListener({ functions, extra: serveStaticAssets({ config: { streamUrl, apiKey } }) });
 */
export const serveStaticAssets =
  (options: { config: PlaygroundConfig }) =>
  (request: IncomingMessage, response: ServerResponse): boolean => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = new URL(request.url ?? '/', 'http://local').pathname;
    const streamOrigin = new URL(options.config.streamUrl).origin;
    if (path === '/' || path === '/index.html') {
      void send(request, response, join(PLAYGROUND_DIR, 'index.html'), {
        'content-security-policy': `default-src 'self'; connect-src 'self' ${streamOrigin} https:; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'`,
      });
      return true;
    }
    if (path === '/favicon.ico') {
      // Browsers ask for it on every page (the docs too); the playground's icon answers.
      void send(request, response, join(PLAYGROUND_DIR, 'favicon.svg'), {
        'content-type': 'image/svg+xml',
      });
      return true;
    }
    if (path === '/playground/config.json') {
      response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      response.end(JSON.stringify(options.config));
      return true;
    }
    if (path.startsWith('/playground/')) {
      void send(request, response, inside(PLAYGROUND_DIR, path.slice('/playground/'.length)));
      return true;
    }
    if (path.startsWith('/docs/assets/')) {
      void send(request, response, inside(SWAGGER_UI_DIR, path.slice('/docs/assets/'.length)));
      return true;
    }
    return false;
  };
