import { Logger } from '@aws-lambda-powertools/logger';
import type { AuthenticatedCaller } from '../../lambdas/core/auth/authenticate-api-key.js';
import { HttpProblem } from '../../lambdas/core/problem.js';
import type { HttpHandlerOptions } from '../../lambdas/http/create-http-handler.js';

/** A logger that writes nothing, for handler tests. */
export const silentLogger = (): Logger => new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/**
 * The standard HTTP options with an in-memory caller table in place of the API key store:
 * `Bearer <token>` resolves to the tenant mapped to `<token>`.
 *
 * @example
 * const http = testHttpOptions({ 'key-a': 'tenant-a' });
 */
export const testHttpOptions = (
  tenants: Record<string, string> = {},
  overrides: Partial<HttpHandlerOptions> = {},
): Omit<HttpHandlerOptions, 'routes' | 'fallback'> => ({
  logger: silentLogger(),
  corsOrigins: ['http://localhost:3000'],
  maxBodyBytes: 1024,
  resolver: {
    execute: async (authorization?: string): Promise<AuthenticatedCaller> => {
      const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      const tenantId = token ? tenants[token] : undefined;
      if (!tenantId) {
        throw new HttpProblem(401, { headers: { 'www-authenticate': 'Bearer realm="api"' } });
      }
      return { tenantId, keyId: `key-${token}` };
    },
  },
  ...overrides,
});
