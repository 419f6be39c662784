import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { createHandler } from '../../../lambdas/handlers/public-api.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

const up = async () => undefined;
const down = async () => {
  throw new Error('connect ECONNREFUSED');
};

describe('public API function', () => {
  describe('GET /health', () => {
    it('answers 200 without probing dependencies', async () => {
      let probed = false;
      const handler = createHandler({
        http: testHttpOptions(),
        probes: {
          dynamodb: async () => {
            probed = true;
          },
        },
      });

      const result = await handler(
        apiGatewayEvent({ method: 'GET', url: '/health', routeKey: 'GET /health' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body as string)).toEqual({ status: 'ok', checks: {} });
      expect(probed).toBe(false);
    });

    it('answers HEAD /health as GET /health without a body (uptime monitors)', async () => {
      const handler = createHandler({ http: testHttpOptions(), probes: { dynamodb: up } });

      const result = await handler(
        apiGatewayEvent({ method: 'HEAD', url: '/health', routeKey: '$default' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(200);
      expect(result.body).toBe('');
      expect(result.headers?.['content-type']).toMatch(/^application\/json/);
    });

    it('still answers 405 to HEAD of a path it serves no GET for', async () => {
      const handler = createHandler({ http: testHttpOptions(), probes: {} });

      const result = await handler(
        apiGatewayEvent({ method: 'HEAD', url: '/v1/sessions', routeKey: '$default' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(405);
    });

    it('reports each reachable dependency with ?deep=true', async () => {
      const handler = createHandler({ http: testHttpOptions(), probes: { dynamodb: up } });

      const result = await handler(
        apiGatewayEvent({ method: 'GET', url: '/health?deep=true', routeKey: 'GET /health' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body as string).checks.dynamodb.status).toBe('up');
    });

    it('answers 503 and names the dependency that is down', async () => {
      const handler = createHandler({
        http: testHttpOptions(),
        probes: { dynamodb: down, qdrant: up },
      });

      const result = await handler(
        apiGatewayEvent({ method: 'GET', url: '/health?deep=true', routeKey: 'GET /health' }),
        lambdaContext(),
      );

      const body = JSON.parse(result.body as string);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(body).toMatchObject({ status: 503, detail: 'Unreachable: dynamodb' });
      expect(body.checks).toEqual({ dynamodb: { status: 'down' }, qdrant: { status: 'up' } });
    });

    it('keeps why a dependency is down out of the public answer and writes it to the log', async () => {
      /** A real logger that also keeps its warnings, to read them back. */
      class RecordingLogger extends Logger {
        readonly warnings: unknown[][] = [];
        override warn(...input: Parameters<Logger['warn']>): void {
          this.warnings.push(input);
        }
      }
      const logger = new RecordingLogger({ serviceName: 'test', logLevel: 'SILENT' });
      const secret = 'connect ECONNREFUSED 10.0.3.17:6333 (qdrant.internal.example)';
      const handler = createHandler({
        http: testHttpOptions({}, { logger }),
        probes: {
          qdrant: async () => {
            throw new Error(secret);
          },
        },
      });

      const result = await handler(
        apiGatewayEvent({ method: 'GET', url: '/health?deep=true', routeKey: 'GET /health' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(503);
      expect(result.body).not.toContain('10.0.3.17');
      expect(result.body).not.toContain('ECONNREFUSED');
      expect(logger.warnings).toEqual([
        ['dependency down', { dependency: 'qdrant', error: secret }],
      ]);
    });

    it('treats a probe that never answers as down after the timeout', async () => {
      const handler = createHandler({
        http: testHttpOptions(),
        probes: { dynamodb: () => new Promise<void>(() => undefined) },
        probeTimeoutMs: 50,
      });

      const result = await handler(
        apiGatewayEvent({ method: 'GET', url: '/health?deep=true', routeKey: 'GET /health' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(503);
    });
  });

  describe('unknown routes ($default)', () => {
    it('answers 404 problem+json for a path no route declares', async () => {
      const handler = createHandler({ http: testHttpOptions(), probes: {} });

      const result = await handler(
        apiGatewayEvent({ method: 'GET', url: '/nowhere' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(404);
      expect(result.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(result.body as string)).toMatchObject({
        type: 'about:blank',
        title: 'Not Found',
        status: 404,
        instance: '/nowhere',
      });
    });

    it('answers 405 with Allow for a known path under another method', async () => {
      const handler = createHandler({ http: testHttpOptions(), probes: {} });

      const result = await handler(
        apiGatewayEvent({ method: 'DELETE', url: '/health' }),
        lambdaContext(),
      );

      expect(result.statusCode).toBe(405);
      // HEAD /health is served as GET without its body.
      expect(result.headers?.allow).toBe('GET, HEAD');
    });
  });

  it('adds security headers and CORS for allowed origins to every response', async () => {
    const handler = createHandler({ http: testHttpOptions(), probes: {} });

    const result = await handler(
      apiGatewayEvent({
        method: 'GET',
        url: '/nowhere',
        headers: { origin: 'http://localhost:3000' },
      }),
      lambdaContext(),
    );

    expect(result.headers?.['X-Content-Type-Options']).toBe('nosniff');
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('http://localhost:3000');
  });
  it('refuses a deep parameter other than true or false', async () => {
    const handler = createHandler({ http: testHttpOptions(), probes: {} });

    const result = await handler(
      apiGatewayEvent({ method: 'GET', url: '/health?deep=yes', routeKey: 'GET /health' }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(400);
  });

  it("lets the docs page's Try it out call the stream URL", async () => {
    const handler = createHandler({
      http: testHttpOptions(),
      probes: {},
      streamUrl: 'http://127.0.0.1:4001',
    });

    const result = await handler(
      apiGatewayEvent({ method: 'GET', url: '/docs', routeKey: 'GET /docs' }),
      lambdaContext(),
    );

    expect(result.headers?.['Content-Security-Policy']).toMatch(
      /connect-src [^;]*http:\/\/127\.0\.0\.1:4001/,
    );
  });

  describe('GET /openapi.json', () => {
    const serversOf = async (headers: Record<string, string>) => {
      const handler = createHandler({ http: testHttpOptions(), probes: {} });
      const result = await handler(
        apiGatewayEvent({
          method: 'GET',
          url: '/openapi.json',
          routeKey: 'GET /openapi.json',
          headers,
        }),
        lambdaContext(),
      );
      return JSON.parse(result.body as string).servers;
    };

    it('names the plain-HTTP origin the local stack was called by as its server', async () => {
      const servers = await serversOf({ host: '127.0.0.1:4000' });

      expect(servers).toEqual([{ url: 'http://127.0.0.1:4000' }]);
    });

    it('names the HTTPS origin API Gateway reports as its server', async () => {
      const servers = await serversOf({
        host: 'abc.execute-api.eu-west-1.amazonaws.com',
        'x-forwarded-proto': 'https',
      });

      expect(servers).toEqual([{ url: 'https://abc.execute-api.eu-west-1.amazonaws.com' }]);
    });
  });
});
