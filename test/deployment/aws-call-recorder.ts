import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../dev/serve-http-api.js';
import type { AwsCall } from './iam-policy.js';

/** The AWS services the functions call, by their `AWS_ENDPOINT_URL_<SERVICE>` suffix. */
export type RecordedService = 'DYNAMODB' | 'S3' | 'SQS' | 'SECRETS_MANAGER';

/** A request as the recorder saw it, for a service's {@link CallDescriber}. */
export interface SignedRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** From the SigV4 credential scope. */
  region: string;
}

/** The IAM view of one request: its action(s), resource(s) and condition keys. */
export type CallDescriber = (request: SignedRequest) => Omit<AwsCall, 'functionName'>[];

/** A running {@link startAwsCallRecorder}. */
export interface AwsCallRecorder {
  readonly endpoint: string;
  close(): Promise<void>;
}

const CREDENTIAL = /Credential=([^/]+)\/\d{8}\/([^/]+)\//;

/**
 * A reverse proxy in front of one local AWS stand-in that records every call it relays as IAM
 * sees it, naming the calling function by the access key id of its SigV4 signature (each
 * function process runs with its own key id, its name; a presigned URL's request is the
 * signing function's call), then forwards the request untouched.
 * Recording at the wire, outside the bundle, sees exactly the calls the deployed code makes.
 *
 * @example
 * const recorder = await startAwsCallRecorder(s3.endpoint, describeS3Call, (call) => calls.push(call));
 */
export const startAwsCallRecorder = async (
  targetEndpoint: string,
  describe: CallDescriber,
  record: (call: AwsCall) => void,
): Promise<AwsCallRecorder> => {
  const target = new URL(targetEndpoint);
  const server = createServer(async (incoming, outgoing) => {
    const body = await readBody(incoming);
    const url = new URL(incoming.url ?? '/', targetEndpoint);
    // A presigned request (an upload URL a function signed) carries its credential in the query.
    const [, functionName = 'unsigned', region = ''] =
      CREDENTIAL.exec(String(incoming.headers.authorization ?? '')) ??
      CREDENTIAL.exec(`Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`) ??
      [];
    try {
      for (const call of describe({
        method: incoming.method ?? 'GET',
        url,
        headers: incoming.headers,
        body,
        region,
      })) {
        record({ functionName, ...call });
      }
    } catch (error) {
      record({
        functionName,
        action: `unparsed:${String(error)}`,
        resource: url.href,
        context: {},
      });
    }
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (reply) => {
        outgoing.writeHead(reply.statusCode ?? 500, reply.headers);
        reply.pipe(outgoing);
      },
    );
    forward.on('error', () => outgoing.destroy());
    forward.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

const json = (request: SignedRequest): Record<string, unknown> =>
  JSON.parse(request.body.toString('utf8') || '{}');

const operationOf = (request: SignedRequest): string =>
  String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';

type AttributeMap = Record<string, { S?: string }>;

/**
 * DynamoDB calls: the action per operation (`TransactWriteItems` is authorized per item as
 * `PutItem`/`UpdateItem`/`DeleteItem`/`ConditionCheckItem`), the table or index ARN, and
 * `dynamodb:LeadingKeys` (the partition key value) for item-level writes and reads.
 */
export const describeDynamoDbCall =
  (accountId: string, partitionKey: string): CallDescriber =>
  (request) => {
    const input = json(request);
    const tableArn = (table: unknown, index?: unknown) =>
      `arn:aws:dynamodb:${request.region}:${accountId}:table/${String(table)}${index ? `/index/${String(index)}` : ''}`;
    const leadingKeys = (key: AttributeMap | undefined): Record<string, string[]> => {
      const value = key?.[partitionKey]?.S;
      return value === undefined ? {} : { 'dynamodb:LeadingKeys': [value] };
    };
    const operation = operationOf(request);
    if (operation === 'TransactWriteItems') {
      const items = input.TransactItems as Record<
        string,
        { TableName: string; Key?: AttributeMap; Item?: AttributeMap }
      >[];
      const actions: Record<string, string> = {
        Put: 'PutItem',
        Update: 'UpdateItem',
        Delete: 'DeleteItem',
        ConditionCheck: 'ConditionCheckItem',
      };
      return items.flatMap((item) =>
        Object.entries(item).map(([kind, detail]) => ({
          action: `dynamodb:${actions[kind] ?? kind}`,
          resource: tableArn(detail.TableName),
          context: leadingKeys(detail.Key ?? detail.Item),
        })),
      );
    }
    if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
      const requests = input.RequestItems as Record<
        string,
        { PutRequest?: { Item: AttributeMap }; DeleteRequest?: { Key: AttributeMap } }[]
      >;
      return Object.entries(requests).flatMap(([table, writes]) =>
        (Array.isArray(writes) ? writes : [{}]).map((write) => ({
          action: `dynamodb:${operation}`,
          resource: tableArn(table),
          context: leadingKeys(write.PutRequest?.Item ?? write.DeleteRequest?.Key),
        })),
      );
    }
    const key = (input.Key ?? input.Item) as AttributeMap | undefined;
    return [
      {
        action: `dynamodb:${operation}`,
        resource: tableArn(input.TableName, input.IndexName),
        context: {
          ...leadingKeys(key),
          ...(operation === 'UpdateItem'
            ? { 'dynamodb:Attributes': [...Object.keys(key ?? {}), ...updatedAttributes(input)] }
            : {}),
        },
      },
    ];
  };

/** Splits on commas that are not inside a function call's parentheses. */
const splitOutsideParentheses = (text: string): string[] => {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const character of text) {
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    if (character === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += character;
    }
  }
  return [...parts, current];
};

const UPDATE_KEYWORDS = new Set(['SET', 'REMOVE', 'ADD', 'DELETE', 'if_not_exists', 'list_append']);

/**
 * The attribute names an `UpdateExpression` changes (`#name` placeholders resolved), which IAM
 * checks as `dynamodb:Attributes`: every name before an `=`, or after REMOVE, ADD or DELETE.
 */
const updatedAttributes = (input: Record<string, unknown>): string[] => {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const expression = String(input.UpdateExpression ?? '');
  const found = new Set<string>();
  for (const clause of expression.split(/\b(?=SET|REMOVE|ADD|DELETE)\b/)) {
    const [keyword = '', ...rest] = clause.trim().split(/\s+/);
    const body = rest.join(' ');
    const items = splitOutsideParentheses(body);
    const targets =
      keyword === 'SET'
        ? items.map((assignment) => assignment.split('=')[0] ?? '')
        : items.map((item) => item.trim().split(/\s+/)[0] ?? '');
    for (const target of targets) {
      const name = target.trim().split(/[.[]/)[0] ?? '';
      if (name && !UPDATE_KEYWORDS.has(name)) found.add(names[name] ?? name);
    }
  }
  return [...found];
};

/**
 * S3 calls, path-style (`/bucket/key`): `GetObject`/`PutObject`/`DeleteObject` on the object
 * ARN, `ListObjectsV2` as `s3:ListBucket` on the bucket with `s3:prefix`, and `DeleteObjects`
 * as one `s3:DeleteObject` per key, which is how S3 authorizes it.
 */
export const describeS3Call: CallDescriber = (request) => {
  const [, bucket = '', ...keyParts] = request.url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  const objectArn = (objectKey: string) => `arn:aws:s3:::${bucket}/${objectKey}`;
  const { searchParams } = request.url;
  if (key === '' && request.method === 'GET' && searchParams.has('list-type')) {
    return [
      {
        action: 's3:ListBucket',
        resource: `arn:aws:s3:::${bucket}`,
        context: { 's3:prefix': [searchParams.get('prefix') ?? ''] },
      },
    ];
  }
  if (key === '' && request.method === 'POST' && searchParams.has('delete')) {
    const keys = [...request.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map(
      (match) => match[1] ?? '',
    );
    return keys.map((objectKey) => ({
      action: 's3:DeleteObject',
      resource: objectArn(objectKey),
      context: {},
    }));
  }
  const actions: Record<string, string> = {
    GET: 's3:GetObject',
    HEAD: 's3:GetObject',
    PUT: 's3:PutObject',
    DELETE: 's3:DeleteObject',
  };
  return [
    {
      action: actions[request.method] ?? `s3:${request.method}`,
      resource: objectArn(key),
      context: {},
    },
  ];
};

/** SQS calls (AWS JSON 1.0): the action on the queue ARN derived from `QueueUrl`. */
export const describeSqsCall: CallDescriber = (request) => {
  const input = json(request);
  const [, account = '', name = ''] = new URL(String(input.QueueUrl)).pathname.split('/');
  return [
    {
      action: `sqs:${operationOf(request)}`,
      resource: `arn:aws:sqs:${request.region}:${account}:${name}`,
      context: {},
    },
  ];
};

/**
 * Secrets Manager calls (AWS JSON 1.1): the action on the secret's full ARN (with the
 * six-character suffix IAM policies match with `-??????`), as `resolve` finds it.
 */
export const describeSecretsManagerCall =
  (resolve: (secretId: string) => string | undefined): CallDescriber =>
  (request) => {
    const secretId = String(json(request).SecretId ?? '');
    return [
      {
        action: `secretsmanager:${operationOf(request)}`,
        resource: resolve(secretId) ?? secretId,
        context: {},
      },
    ];
  };
