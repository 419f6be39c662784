import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi as GatewayHttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_API_CORS } from '../../lambdas/http/cors-policy.js';
import { type HttpFunctionName, ROUTES, type RouteDefinition } from '../../lambdas/http/routes.js';
import { type AppConfig, toRetentionDays } from '../config.js';

/**
 * Why no route has a gateway authorizer (the cdk-nag APIG4 acknowledgment).
 */
export const GATEWAY_AUTH_REASON =
  'Authentication is enforced in every function by the shared Middy auth middleware (API keys, ' +
  "Bearer): an HTTP API Lambda authorizer's rejections cannot carry our problem+json body or " +
  'WWW-Authenticate header, the streaming function URL cannot use it anyway, and it adds a cold ' +
  'start to every uncached request. Public routes (health, docs) are declared public in ' +
  'lambdas/http/routes.ts.';

/** One JSON object per request: who called what, the outcome and the time it took. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    httpMethod: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
  }),
);

const METHODS: Record<RouteDefinition['method'], HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  DELETE: HttpMethod.DELETE,
};

/** Properties of an {@link HttpApi}. */
export interface HttpApiProps {
  /** The deployment configuration: name, CORS origins, throttling, log retention. */
  config: AppConfig;
  /** The function behind each HTTP function name of {@link ROUTES}. */
  functions: Record<HttpFunctionName, IFunction>;
  /** Routes to create; defaults to {@link ROUTES}, the single route table. */
  routes?: readonly RouteDefinition[];
}

/**
 * The API Gateway HTTP API: one route per entry of {@link ROUTES} (so new routes need no
 * stack change), a `$default` route to the `public` function (problem+json 404/405 for unknown
 * routes and methods), CORS preflight for the configured origins, and a `$default` stage with
 * throttling and JSON access logs.
 *
 * @example
 * const api = new HttpApi(this, 'HttpApi', { config, functions: { public: p, chat: c, documents: d } });
 * new CfnOutput(this, 'ApiUrl', { value: api.url });
 */
export class HttpApi extends Construct {
  /** The HTTP API. */
  readonly api: GatewayHttpApi;
  /** The `$default` stage (throttled, access-logged). */
  readonly stage: HttpStage;
  /** The access log group. */
  readonly accessLogGroup: LogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { config, functions } = props;

    const integrations = new Map<HttpFunctionName, HttpLambdaIntegration>();
    const integrationFor = (name: HttpFunctionName): HttpLambdaIntegration => {
      let integration = integrations.get(name);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${name}-integration`, functions[name]);
        integrations.set(name, integration);
      }
      return integration;
    };

    this.api = new GatewayHttpApi(this, 'Api', {
      apiName: `${config.appName}-http`,
      description: 'Chat and RAG HTTP API',
      createDefaultStage: false,
      defaultIntegration: integrationFor('public'),
      corsPreflight: {
        allowOrigins: config.corsOrigins,
        allowMethods: [
          CorsHttpMethod.GET,
          CorsHttpMethod.POST,
          CorsHttpMethod.DELETE,
          CorsHttpMethod.OPTIONS,
        ],
        allowHeaders: [...HTTP_API_CORS.allowHeaders],
        exposeHeaders: [...HTTP_API_CORS.exposeHeaders],
        maxAge: Duration.seconds(HTTP_API_CORS.maxAgeSeconds),
      },
    });

    for (const route of props.routes ?? ROUTES) {
      this.api.addRoutes({
        path: route.path,
        methods: [METHODS[route.method]],
        integration: integrationFor(route.function),
      });
    }

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: toRetentionDays(config.logRetentionDays),
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: {
        rateLimit: config.throttlingRateLimit,
        burstLimit: config.throttlingBurstLimit,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: ACCESS_LOG_FORMAT,
      },
    });

    Validations.of(this.api).acknowledge({ id: 'AwsSolutions-APIG4', reason: GATEWAY_AUTH_REASON });
  }

  /** The base URL of the `$default` stage, with a trailing slash. */
  get url(): string {
    return this.stage.url;
  }
}
