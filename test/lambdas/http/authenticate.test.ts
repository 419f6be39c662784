import type { Request } from '@middy/core';
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import { authenticate } from '../../../lambdas/http/authenticate.js';
import type { ApiContext, HttpEvent } from '../../../lambdas/http/http-types.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { lambdaContext } from '../../support/lambda-context.js';

const middleware = (isPublic: boolean) =>
  authenticate<HttpEvent>({
    resolver: testHttpOptions({ 'key-a': 'tenant-a' }).resolver,
    isPublic: () => isPublic,
    authorization: (event) => event.headers.authorization,
  });

const request = (headers: Record<string, string> = {}) =>
  ({
    event: apiGatewayEvent({ method: 'GET', url: '/v1/sessions', headers }),
    context: lambdaContext() as ApiContext,
    response: undefined,
    error: undefined,
    internal: {},
  }) as unknown as Request<HttpEvent, unknown, Error, ApiContext>;

describe('authenticate', () => {
  it('lets a public route through at once, with no promise for Middy to await', () => {
    const publicRequest = request();

    const result = middleware(true).before?.(publicRequest);

    expect(result).toBeUndefined();
    expect(publicRequest.context.principal).toBeUndefined();
  });

  it('puts the caller its key resolves to on the context of a private route', async () => {
    const privateRequest = request({ authorization: 'Bearer key-a' });

    await middleware(false).before?.(privateRequest);

    expect(privateRequest.context.principal).toEqual({ tenantId: 'tenant-a', keyId: 'key-key-a' });
  });

  it('refuses a private route without a known key with the resolver’s 401', async () => {
    const privateRequest = request({ authorization: 'Bearer unknown' });

    await expect(middleware(false).before?.(privateRequest)).rejects.toMatchObject({
      status: 401,
    });
    expect(privateRequest.context.principal).toBeUndefined();
  });
});
