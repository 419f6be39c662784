import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, LambdaFunctionURLEvent } from 'aws-lambda';

/** The parts of an HTTP request needed to build a Lambda event. */
export interface HttpRequestParts {
  method: string;
  /** Path with an optional query string: `/v1/sessions?limit=5`. */
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  body?: Buffer | string;
  routeKey?: string;
  pathParameters?: Record<string, string>;
  sourceIp?: string;
}

const TEXT_TYPES = /^(text\/|application\/(json|.*\+json|x-www-form-urlencoded|xml))/i;

const flattenHeaders = (headers: HttpRequestParts['headers'] = {}) => {
  const flat: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    if (key === 'cookie') cookies.push(...(Array.isArray(value) ? value : value.split('; ')));
    else flat[key] = Array.isArray(value) ? value.join(',') : value;
  }
  return { flat, cookies };
};

const encodeBody = (body: HttpRequestParts['body'], contentType: string | undefined) => {
  if (body === undefined || body.length === 0) return { isBase64Encoded: false };
  const buffer = typeof body === 'string' ? Buffer.from(body) : body;
  // API Gateway and function URLs pass text bodies as is and binary ones in base64; a "text"
  // body that is not UTF-8 goes in base64 too, so its bytes reach the function unchanged
  // (decoded to a string, each would become U+FFFD and the function could not refuse it).
  return contentType && TEXT_TYPES.test(contentType) && isUtf8(buffer)
    ? { body: buffer.toString('utf8'), isBase64Encoded: false }
    : { body: buffer.toString('base64'), isBase64Encoded: true };
};

const parseQuery = (search: URLSearchParams) => {
  const params: Record<string, string> = {};
  for (const [key, value] of search) params[key] = params[key] ? `${params[key]},${value}` : value;
  return Object.keys(params).length > 0 ? params : undefined;
};

const shared = (parts: HttpRequestParts, domain: string) => {
  const url = new URL(parts.url, `http://${domain}`);
  const { flat, cookies } = flattenHeaders(parts.headers);
  const now = new Date();
  return {
    url,
    headers: flat,
    cookies,
    ...encodeBody(parts.body, flat['content-type']),
    queryStringParameters: parseQuery(url.searchParams),
    http: {
      method: parts.method.toUpperCase(),
      path: url.pathname,
      protocol: 'HTTP/1.1',
      sourceIp: parts.sourceIp ?? '127.0.0.1',
      userAgent: flat['user-agent'] ?? '',
    },
    requestId: randomUUID(),
    time: now.toISOString(),
    timeEpoch: now.getTime(),
  };
};

/**
 * Builds an API Gateway HTTP API (v2 payload format) event the way API Gateway does: lower-case
 * headers, cookies split out, text bodies as is and binary ones base64-encoded.
 *
 * @example
 * apiGatewayEvent({ method: 'GET', url: '/health?deep=true', routeKey: 'GET /health' })
 */
export const apiGatewayEvent = (parts: HttpRequestParts): APIGatewayProxyEventV2 => {
  const common = shared(parts, 'api.local');
  // API Gateway tells the function how the client reached it; the local servers speak HTTP.
  common.headers['x-forwarded-proto'] ??= 'http';
  if (common.headers.host?.includes(':')) {
    common.headers['x-forwarded-port'] ??= common.headers.host.split(':').pop() as string;
  }
  return {
    version: '2.0',
    routeKey: parts.routeKey ?? '$default',
    rawPath: common.url.pathname,
    rawQueryString: common.url.search.slice(1),
    ...(common.cookies.length > 0 ? { cookies: common.cookies } : {}),
    headers: common.headers,
    ...(common.queryStringParameters
      ? { queryStringParameters: common.queryStringParameters }
      : {}),
    ...(parts.pathParameters ? { pathParameters: parts.pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: common.headers.host ?? 'api.local',
      domainPrefix: 'api',
      http: common.http,
      requestId: common.requestId,
      routeKey: parts.routeKey ?? '$default',
      stage: '$default',
      time: common.time,
      timeEpoch: common.timeEpoch,
    },
    ...(common.body !== undefined ? { body: common.body } : {}),
    isBase64Encoded: common.isBase64Encoded,
  };
};

/**
 * Builds a Lambda function URL event (the payload format of function URLs, which is API
 * Gateway's v2 format with `routeKey` `$default`).
 */
export const functionUrlEvent = (parts: HttpRequestParts): LambdaFunctionURLEvent => {
  const common = shared(parts, 'stream.lambda-url.local');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: common.url.pathname,
    rawQueryString: common.url.search.slice(1),
    ...(common.cookies.length > 0 ? { cookies: common.cookies } : {}),
    headers: common.headers,
    ...(common.queryStringParameters
      ? { queryStringParameters: common.queryStringParameters }
      : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: common.headers.host ?? 'stream.lambda-url.local',
      domainPrefix: 'stream',
      http: common.http,
      requestId: common.requestId,
      routeKey: '$default',
      stage: '$default',
      time: common.time,
      timeEpoch: common.timeEpoch,
    },
    ...(common.body !== undefined ? { body: common.body } : {}),
    isBase64Encoded: common.isBase64Encoded,
  };
};
