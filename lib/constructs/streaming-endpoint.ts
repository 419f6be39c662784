import { Duration } from 'aws-cdk-lib';
import {
  type FunctionUrl,
  FunctionUrlAuthType,
  HttpMethod,
  InvokeMode,
} from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FUNCTION_URL_CORS } from '../../lambdas/http/cors-policy.js';
import type { AppConfig } from '../config.js';
import { NodeFunction } from './node-function.js';

/** Why the streaming function URL has no IAM auth (`authType: NONE`). */
export const FUNCTION_URL_AUTH_REASON =
  'Authentication is enforced by the streaming handler with the shared Middy auth middleware ' +
  '(API keys, Bearer), which answers failures with a problem+json body before the stream ' +
  "starts; the function URL's IAM auth would require SigV4-signing browsers and useChat cannot " +
  'do that.';

/** Properties of a {@link StreamingEndpoint}. */
export interface StreamingEndpointProps {
  /** The deployment configuration: CORS origins, stream timeout, reserved concurrency. */
  config: AppConfig;
  /** Environment of the streaming function. */
  environment: Record<string, string>;
  /**
   * Origins allowed besides `config.corsOrigins`: the HTTP API's own, whose `/docs` page tries
   * the streaming operations out against this URL.
   */
  extraOrigins?: readonly string[];
}

/**
 * The streaming chat: a function answering with Server-Sent Events behind a Lambda function URL
 * in `RESPONSE_STREAM` mode (API Gateway buffers responses, a function URL streams them),
 * reachable from the configured browser origins.
 *
 * @example
 * const stream = new StreamingEndpoint(this, 'Streaming', { config, environment });
 * new CfnOutput(this, 'StreamUrl', { value: stream.url });
 */
export class StreamingEndpoint extends Construct {
  /** The streaming chat function. */
  readonly handler: NodeFunction;
  /** The function URL. */
  readonly functionUrl: FunctionUrl;

  constructor(scope: Construct, id: string, props: StreamingEndpointProps) {
    super(scope, id);
    const { config } = props;

    this.handler = new NodeFunction(this, 'StreamChat', {
      entry: 'lambdas/handlers/stream-chat.ts',
      description: 'Streamed chat (UI message stream over SSE)',
      config,
      timeoutSeconds: config.streamTimeoutSeconds,
      environment: props.environment,
      reservedConcurrentExecutions: config.streamReservedConcurrency,
    });

    // No AwsSolutions rule checks function URL auth, so there is nothing to acknowledge:
    // FUNCTION_URL_AUTH_REASON is the reason for `authType: NONE`.
    this.functionUrl = this.handler.function.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      cors: {
        allowedOrigins: [...config.corsOrigins, ...(props.extraOrigins ?? [])],
        allowedMethods: FUNCTION_URL_CORS.allowMethods.map((method) => HttpMethod[method]),
        allowedHeaders: [...FUNCTION_URL_CORS.allowHeaders],
        exposedHeaders: [...FUNCTION_URL_CORS.exposeHeaders],
        maxAge: Duration.seconds(FUNCTION_URL_CORS.maxAgeSeconds),
      },
    });
  }

  /** The function URL, with a trailing slash. */
  get url(): string {
    return this.functionUrl.url;
  }
}
