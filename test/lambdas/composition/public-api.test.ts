import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { composePublicApi } from '../../../lambdas/composition/public-api.js';
import { loadRuntimeConfig } from '../../../lambdas/composition/runtime-config.js';
import { createHandler } from '../../../lambdas/handlers/public-api.js';
import { silentLogger } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

describe('composePublicApi', () => {
  let qdrant: QdrantStandIn;

  beforeAll(async () => {
    qdrant = await startQdrantStandIn();
  });
  afterAll(() => qdrant.close());

  const probesFor = (env: Record<string, string>) => {
    const config = loadRuntimeConfig({ TABLE_NAME: 't', AWS_REGION: 'local', ...env });
    return composePublicApi(config, silentLogger()).probes;
  };

  it('probes Qdrant when one is configured, and only then', () => {
    expect(Object.keys(probesFor({ QDRANT_URL: qdrant.url })).sort()).toEqual([
      'dynamodb',
      'qdrant',
    ]);
    expect(Object.keys(probesFor({}))).toEqual(['dynamodb']);
  });

  it("reports Qdrant up while it answers /healthz, and down when it doesn't", async () => {
    const probe = probesFor({ QDRANT_URL: qdrant.url }).qdrant!;

    await expect(probe(AbortSignal.timeout(2_000))).resolves.toBeUndefined();
    await qdrant.setDown(true);
    await expect(probe(AbortSignal.timeout(2_000))).rejects.toThrow();
    await qdrant.setDown(false);
  });

  it('refuses with a 401 a route that needs a key, since it holds no key store', async () => {
    const config = loadRuntimeConfig({ TABLE_NAME: 't', AWS_REGION: 'local' });
    const handler = createHandler(composePublicApi(config, silentLogger()));

    const result = await handler(
      apiGatewayEvent({
        method: 'GET',
        url: '/v1/sessions',
        routeKey: 'GET /v1/sessions',
        headers: { authorization: 'Bearer sk_live_whatever' },
      }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body as string).type).toBe('urn:problem:unauthorized');
  });

  it("names the stream URL (STREAM_URL, no trailing slash) in /openapi.json as the streaming operations' server", async () => {
    // Arrange
    const config = loadRuntimeConfig({
      TABLE_NAME: 't',
      AWS_REGION: 'local',
      STREAM_URL: 'https://abc.lambda-url.eu-west-1.on.aws/',
    });
    const handler = createHandler(composePublicApi(config, silentLogger()));

    // Act
    const result = await handler(
      apiGatewayEvent({ method: 'GET', url: '/openapi.json', routeKey: 'GET /openapi.json' }),
      lambdaContext(),
    );

    // Assert
    const { paths } = JSON.parse(result.body as string) as {
      paths: Record<string, { servers?: { url: string }[] }>;
    };
    expect(paths['/']?.servers).toEqual([
      { url: 'https://abc.lambda-url.eu-west-1.on.aws', description: 'The streaming function URL' },
    ]);
  });
});
