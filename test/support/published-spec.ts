import { apiGatewayEvent } from '../../dev/http-events.js';
import { createHandler } from '../../lambdas/handlers/public-api.js';
import { testHttpOptions } from './http-deps.js';
import { lambdaContext } from './lambda-context.js';
import type { OpenApi } from './openapi-contract.js';

/** `/openapi.json` as the public function serves it (the published contract). */
export const publishedSpec = async (): Promise<OpenApi> => {
  const handler = createHandler({ http: testHttpOptions(), probes: {} });
  const result = await handler(
    apiGatewayEvent({ method: 'GET', url: '/openapi.json', routeKey: 'GET /openapi.json' }),
    lambdaContext(),
  );
  return JSON.parse(result.body as string) as OpenApi;
};
