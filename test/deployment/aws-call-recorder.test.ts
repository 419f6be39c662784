import { describe, expect, it } from 'vitest';
import { describeDynamoDbCall, describeS3Call, type SignedRequest } from './aws-call-recorder.js';

const request = (
  parts: Omit<Partial<SignedRequest>, 'body'> & { body?: unknown },
): SignedRequest => ({
  method: 'POST',
  url: new URL('http://127.0.0.1/'),
  headers: {},
  region: 'us-east-1',
  ...parts,
  body: Buffer.isBuffer(parts.body) ? parts.body : Buffer.from(JSON.stringify(parts.body ?? {})),
});

const dynamo = describeDynamoDbCall('123456789012', 'pk');
const TABLE_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/app';

describe('describeDynamoDbCall', () => {
  it('authorizes TransactWriteItems per item, with each partition key', () => {
    const calls = dynamo(
      request({
        headers: { 'x-amz-target': 'DynamoDB_20120810.TransactWriteItems' },
        body: {
          TransactItems: [
            { Put: { TableName: 'app', Item: { pk: { S: 'TENANT#t#SESSION#s' } } } },
            { Update: { TableName: 'app', Key: { pk: { S: 'TENANT#t#SESSIONS' } } } },
          ],
        },
      }),
    );

    expect(calls).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: TABLE_ARN,
        context: { 'dynamodb:LeadingKeys': ['TENANT#t#SESSION#s'] },
      },
      {
        action: 'dynamodb:UpdateItem',
        resource: TABLE_ARN,
        context: { 'dynamodb:LeadingKeys': ['TENANT#t#SESSIONS'] },
      },
    ]);
  });

  it('names the attributes an UpdateItem changes, placeholders resolved, keys included', () => {
    const [call] = dynamo(
      request({
        headers: { 'x-amz-target': 'DynamoDB_20120810.UpdateItem' },
        body: {
          TableName: 'app',
          Key: { pk: { S: 'APIKEY#abc' }, sk: { S: 'APIKEY' } },
          UpdateExpression:
            'SET #s = :s, lastUsedAt = if_not_exists(lastUsedAt, :at) REMOVE errorText',
          ExpressionAttributeNames: { '#s': 'status' },
        },
      }),
    );

    expect(call?.context['dynamodb:Attributes']).toEqual([
      'pk',
      'sk',
      'status',
      'lastUsedAt',
      'errorText',
    ]);
  });

  it('addresses a query on an index by the index ARN', () => {
    const [call] = dynamo(
      request({
        headers: { 'x-amz-target': 'DynamoDB_20120810.Query' },
        body: { TableName: 'app', IndexName: 'gsi1' },
      }),
    );

    expect(call?.resource).toBe(`${TABLE_ARN}/index/gsi1`);
  });
});

describe('describeS3Call', () => {
  it('records ListObjectsV2 as s3:ListBucket on the bucket with s3:prefix', () => {
    const calls = describeS3Call(
      request({
        method: 'GET',
        url: new URL('http://127.0.0.1/raw?list-type=2&prefix=tenants%2Ft%2Fdocuments%2Fd%2F'),
        body: Buffer.alloc(0),
      }),
    );

    expect(calls).toEqual([
      {
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::raw',
        context: { 's3:prefix': ['tenants/t/documents/d/'] },
      },
    ]);
  });

  it('records DeleteObjects as one s3:DeleteObject per key', () => {
    const calls = describeS3Call(
      request({
        method: 'POST',
        url: new URL('http://127.0.0.1/raw?delete'),
        body: Buffer.from(
          '<Delete><Object><Key>a/v1</Key></Object><Object><Key>a/v2</Key></Object></Delete>',
        ),
      }),
    );

    expect(calls.map((call) => call.resource)).toEqual([
      'arn:aws:s3:::raw/a/v1',
      'arn:aws:s3:::raw/a/v2',
    ]);
    expect(new Set(calls.map((call) => call.action))).toEqual(new Set(['s3:DeleteObject']));
  });
});
