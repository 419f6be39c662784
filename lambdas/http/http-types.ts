import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { AuthenticatedCaller } from '../core/auth/authenticate-api-key.js';

/**
 * The Lambda context as our middlewares leave it: the authentication middleware puts the
 * caller here, and route handlers read the tenant only from here.
 */
export interface ApiContext extends Context {
  principal?: AuthenticatedCaller;
}

/** The event an HTTP API (API Gateway v2) function receives. */
export type HttpEvent = APIGatewayProxyEventV2;

/** What an HTTP function returns. */
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers?: Record<string, string>;
};
