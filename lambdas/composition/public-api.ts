import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { PublicApiDeps } from '../handlers/public-api.js';
import type { RuntimeConfig } from './runtime-config.js';
import { composeShared, type SharedComponents } from './shared.js';

/**
 * Composes the public function's dependencies; the deep health check probes the table.
 *
 * @example
 * const deps = composePublicApi(loadRuntimeConfig(process.env));
 */
export const composePublicApi = (
  config: RuntimeConfig,
  shared: SharedComponents = composeShared(config),
): PublicApiDeps => ({
  http: shared.http,
  probes: {
    dynamodb: async (signal) => {
      await shared.dynamo.send(new DescribeTableCommand({ TableName: config.TABLE_NAME }), {
        abortSignal: signal,
      });
    },
  },
});
