import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { awsClientSettings } from '../../../lambdas/composition/aws-client-settings.js';
import { loadRuntimeConfig } from '../../../lambdas/composition/runtime-config.js';

/** A no-op logger as the minified bundles see the SDK's own: a class not named `NoOpLogger`. */
class RenamedNoOpLogger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
}

interface HandlerWithConfig {
  configProvider: Promise<{ logger?: unknown }>;
}

describe('awsClientSettings', () => {
  it("keeps the console as the HTTP handler's warning channel when the client's no-op logger is renamed", async () => {
    const settings = awsClientSettings(loadRuntimeConfig({ TABLE_NAME: 'table' }));
    const client = new S3Client({
      ...settings,
      region: 'us-east-1',
      logger: new RenamedNoOpLogger(),
    });

    const handler = client.config.requestHandler as unknown as HandlerWithConfig;
    const { logger } = await handler.configProvider;

    expect(logger).toBe(console);
    client.destroy();
  });
});
