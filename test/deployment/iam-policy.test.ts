import { describe, expect, it } from 'vitest';
import type { PolicyStatement } from './cloudformation-template.js';
import { type AwsCall, checkCoverage, describeCoverage, evaluate } from './iam-policy.js';

const BUCKET = 'arn:aws:s3:::raw-documents';
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:indexing';
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/app';

/** The documents role before the fix: object actions only, no s3:ListBucket. */
const DOCUMENTS_BEFORE: PolicyStatement[] = [
  {
    Effect: 'Allow',
    Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
    Resource: `${BUCKET}/*`,
  },
  {
    Effect: 'Allow',
    Action: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    Resource: QUEUE,
  },
];

/** The documents role after the fix: listing inside document folders only. */
const DOCUMENTS_AFTER: PolicyStatement[] = [
  { Effect: 'Allow', Action: ['s3:PutObject', 's3:DeleteObject'], Resource: `${BUCKET}/*` },
  {
    Effect: 'Allow',
    Action: 's3:ListBucket',
    Resource: BUCKET,
    Condition: { StringLike: { 's3:prefix': ['tenants/*/documents/*/'] } },
  },
  { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: QUEUE },
];

/** The indexer role before the fix: the event source's actions, no sqs:SendMessage. */
const INDEXER_BEFORE: PolicyStatement[] = [
  {
    Effect: 'Allow',
    Action: [
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ],
    Resource: QUEUE,
  },
];

const call = (
  functionName: string,
  action: string,
  resource: string,
  context: Record<string, string[]> = {},
): AwsCall => ({
  functionName,
  action,
  resource,
  context,
});

const LIST_DOCUMENT_FOLDER = call('DocumentsApi', 's3:ListBucket', BUCKET, {
  's3:prefix': ['tenants/t1/documents/d1/'],
});

describe('evaluate', () => {
  it("denies deleting a document's versions (s3:ListBucket) under the role before the fix", () => {
    expect(evaluate(DOCUMENTS_BEFORE, LIST_DOCUMENT_FOLDER)).toBe('implicitly-denied');
  });

  it('allows listing one document folder under the s3:prefix-scoped grant', () => {
    expect(evaluate(DOCUMENTS_AFTER, LIST_DOCUMENT_FOLDER)).toBe('allowed');
  });

  it('denies listing outside the document folders, or with no prefix at all', () => {
    const everything = call('DocumentsApi', 's3:ListBucket', BUCKET, { 's3:prefix': [''] });
    const noPrefix = call('DocumentsApi', 's3:ListBucket', BUCKET);

    expect(evaluate(DOCUMENTS_AFTER, everything)).toBe('implicitly-denied');
    expect(evaluate(DOCUMENTS_AFTER, noPrefix)).toBe('implicitly-denied');
  });

  it("denies the indexer's re-queue (sqs:SendMessage) under the role before the fix", () => {
    expect(evaluate(INDEXER_BEFORE, call('IngestionIndexer', 'sqs:SendMessage', QUEUE))).toBe(
      'implicitly-denied',
    );
  });

  it('matches action wildcards case-insensitively and resource wildcards exactly', () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: 'S3:Get*', Resource: `${BUCKET}/tenants/*` },
    ];

    expect(evaluate(statements, call('f', 's3:GetObject', `${BUCKET}/tenants/t1/x`))).toBe(
      'allowed',
    );
    expect(evaluate(statements, call('f', 's3:GetObject', `${BUCKET}/other`))).toBe(
      'implicitly-denied',
    );
  });

  it('lets a Deny on the API key partition win over an Allow on the table', () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'], Resource: TABLE },
      {
        Effect: 'Deny',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: TABLE,
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
      },
    ];
    const keyWrite = call('ChatApi', 'dynamodb:PutItem', TABLE, {
      'dynamodb:LeadingKeys': ['APIKEY#abc'],
    });
    const sessionWrite = call('ChatApi', 'dynamodb:PutItem', TABLE, {
      'dynamodb:LeadingKeys': ['TENANT#t1#SESSION#s1'],
    });

    expect(evaluate(statements, keyWrite)).toBe('explicitly-denied');
    expect(evaluate(statements, sessionWrite)).toBe('allowed');
  });

  it('refuses a condition operator it does not implement instead of ignoring it', () => {
    const statements: PolicyStatement[] = [
      {
        Effect: 'Allow',
        Action: '*',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
    ];

    expect(() => evaluate(statements, call('f', 's3:GetObject', BUCKET))).toThrow(/IpAddress/);
  });
});

describe('checkCoverage', () => {
  it('names the function, action and resource of every call the policy denies', () => {
    const calls = [LIST_DOCUMENT_FOLDER, call('IngestionIndexer', 'sqs:SendMessage', QUEUE)];

    const report = checkCoverage(
      { DocumentsApi: DOCUMENTS_BEFORE, IngestionIndexer: INDEXER_BEFORE },
      calls,
      [
        'sqs:ReceiveMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ],
    );

    expect(describeCoverage({ ...report, unused: [] })).toEqual([
      `DENIED (implicitly-denied) DocumentsApi: s3:ListBucket on ${BUCKET} with {"s3:prefix":["tenants/t1/documents/d1/"]}`,
      `DENIED (implicitly-denied) IngestionIndexer: sqs:SendMessage on ${QUEUE}`,
    ]);
  });

  it('lists granted actions no call used, except those the Lambda service uses', () => {
    const calls = [LIST_DOCUMENT_FOLDER, call('DocumentsApi', 'sqs:SendMessage', QUEUE)];

    const report = checkCoverage({ DocumentsApi: DOCUMENTS_AFTER }, calls, ['s3:DeleteObject']);

    expect(report.denied).toEqual([]);
    expect(report.unused).toEqual([{ functionName: 'DocumentsApi', action: 's3:PutObject' }]);
  });
});
