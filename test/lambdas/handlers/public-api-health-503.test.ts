import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { createHandler } from '../../../lambdas/handlers/public-api.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { contractErrors } from '../../support/openapi-contract.js';
import { publishedSpec } from '../../support/published-spec.js';

const down = async () => {
  throw new Error('connect ECONNREFUSED');
};

const deepHealthWithTableDown = async () => {
  const handler = createHandler({ http: testHttpOptions(), probes: { dynamodb: down } });
  return handler(
    apiGatewayEvent({ method: 'GET', url: '/health?deep=true', routeKey: 'GET /health' }),
    lambdaContext(),
  );
};

describe('GET /health?deep=true with a dependency down (503)', () => {
  it('answers a body its published 503 schema accepts', async () => {
    // Arrange
    const spec = await publishedSpec();

    // Act
    const result = await deepHealthWithTableDown();

    // Assert
    expect(result.statusCode).toBe(503);
    expect(
      contractErrors(
        spec,
        { path: '/health', method: 'GET' },
        {
          status: result.statusCode,
          contentType: result.headers?.['content-type'] as string,
          body: JSON.parse(result.body as string),
        },
      ),
    ).toEqual([]);
  });

  it('tells the client when to retry, as every 503 must (Retry-After)', async () => {
    // Arrange, Act
    const result = await deepHealthWithTableDown();

    // Assert
    expect(result.statusCode).toBe(503);
    const headers = Object.fromEntries(
      Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    expect(headers['retry-after']).toMatch(/^\d+$/);
  });
});
