import type { RuntimeConfig } from './runtime-config.js';

/** The client settings every AWS SDK client of the functions shares. */
export interface AwsClientSettings {
  /** Attempts per call, the first included (the SDK's standard retry strategy). */
  maxAttempts: number;
  /** Explicit timeouts, so a hung connection fails the call instead of the whole invocation. */
  requestHandler: {
    /** Most time to open the TCP (and TLS) connection, in ms. */
    connectionTimeout: number;
    /** Most time from sending the request to the end of the response, in ms. */
    requestTimeout: number;
    /** Make a breached `requestTimeout` an error (by default the SDK only logs a warning). */
    throwOnRequestTimeout: true;
    /**
     * Where the handler warns (socket usage at capacity): the console, as the SDK does by
     * default. Named here because the SDK tells its default apart by the class name of the
     * client's no-op logger, which the minified bundles do not keep (`CLASS_NAME_READERS`).
     */
    logger: Console;
  };
}

/**
 * The settings of every AWS SDK client the functions build: `AWS_REQUEST_TIMEOUT_MS`,
 * `AWS_CONNECTION_TIMEOUT_MS` and `AWS_MAX_ATTEMPTS`. The endpoint, region and credentials
 * come from the SDK's own environment (`AWS_REGION`, `AWS_ENDPOINT_URL_<SERVICE>`).
 *
 * @example
 * new S3Client(awsClientSettings(loadRuntimeConfig(process.env)));
 */
export const awsClientSettings = (config: RuntimeConfig): AwsClientSettings => ({
  maxAttempts: config.AWS_MAX_ATTEMPTS,
  requestHandler: {
    connectionTimeout: config.AWS_CONNECTION_TIMEOUT_MS,
    requestTimeout: config.AWS_REQUEST_TIMEOUT_MS,
    throwOnRequestTimeout: true,
    logger: console,
  },
});

/**
 * The DynamoDB client's settings: {@link awsClientSettings}, and `DYNAMODB_ENDPOINT` when set
 * (the local stack; `AWS_ENDPOINT_URL_DYNAMODB` works too). In a module of its own, without the
 * SDK, for the public function, which builds its client only on a deep health check.
 */
export const dynamoDbClientConfig = (config: RuntimeConfig) => ({
  ...awsClientSettings(config),
  ...(config.DYNAMODB_ENDPOINT ? { endpoint: config.DYNAMODB_ENDPOINT } : {}),
});
