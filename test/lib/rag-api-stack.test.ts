import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_TABLE_SCHEMA } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { JOB_RETENTION_MS } from '../../lambdas/core/ingestion/job-retention.js';
import { DEFAULT_BULK_PATIENCE_MS } from '../../lambdas/core/ingestion/reconcile-documents.js';
import { type HttpFunctionName, ROUTES, routeKey } from '../../lambdas/http/routes.js';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { CDK_PROVIDED_FUNCTIONS } from '../deployment/cloudformation-template.js';
import { cdkJsonContext } from '../support/cdk-json-context.js';

/** Context as a user would pass it with `-c`: strings, and a comma-separated origin list. */
const CONTEXT = {
  qdrantUrl: 'https://qdrant.example.com',
  corsOrigins: 'https://app.example.com, https://admin.example.com',
  indexerTimeoutSeconds: '90',
  indexerBatchSize: '8',
  indexerMaxConcurrency: '3',
  logRetentionDays: '14',
  documentsReservedConcurrency: '20',
  runtimeSettings: '{"CHAT_MAX_TOKENS":"800","EMBEDDING_REQUESTS_PER_MINUTE":500}',
};
const ORIGINS = ['https://app.example.com', 'https://admin.example.com'];

/** Logical-id prefix of each HTTP function (its construct id in the stack). */
const FUNCTION_IDS: Record<HttpFunctionName, string> = {
  public: 'PublicApi',
  chat: 'ChatApi',
  documents: 'DocumentsApi',
};

interface CfnResource {
  Properties: Record<string, unknown>;
}

type Ref = { Ref: string };
type GetAtt = { 'Fn::GetAtt': [string, string] };

let template: Template;

/** Resources of a type; of functions, ours only (not those CDK adds for its custom resources). */
const resources = (type: string): Record<string, CfnResource> =>
  Object.fromEntries(
    Object.entries(template.findResources(type) as Record<string, CfnResource>).filter(
      ([id]) =>
        type !== 'AWS::Lambda::Function' ||
        !CDK_PROVIDED_FUNCTIONS.some((pattern) => pattern.test(id)),
    ),
  );

const propsOf = (type: string): Record<string, unknown>[] =>
  Object.values(resources(type)).map((resource) => resource.Properties);

const functionsById = (): [string, Record<string, unknown>][] =>
  Object.entries(resources('AWS::Lambda::Function')).map(([id, resource]) => [
    id,
    resource.Properties,
  ]);

const environmentOf = (properties: Record<string, unknown>): Record<string, unknown> =>
  (properties.Environment as { Variables: Record<string, unknown> }).Variables;

interface PolicyStatement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Statements of every policy attached to the role of the function `functionIdPrefix`. */
const statementsOf = (functionIdPrefix: string): PolicyStatement[] =>
  Object.entries(resources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(functionIdPrefix))
    .flatMap(
      ([, policy]) =>
        (policy.Properties.PolicyDocument as { Statement: PolicyStatement[] }).Statement,
    );

/** Actions granted by every policy attached to the role of the function `functionIdPrefix`. */
const actionsOf = (functionIdPrefix: string): string[] =>
  statementsOf(functionIdPrefix).flatMap((statement) => statement.Action);

beforeAll(() => {
  const app = new App({ context: { ...cdkJsonContext(), ...CONTEXT } });
  const stack = new RagApiStack(app, 'TestStack', { config: loadAppConfig(app.node) });
  template = Template.fromStack(stack);
});

describe('RagApiStack', () => {
  describe('functions', () => {
    it('runs every function on nodejs24.x arm64', () => {
      // Arrange
      const functions = propsOf('AWS::Lambda::Function');

      // Act
      const platforms = functions.map((fn) => ({ runtime: fn.Runtime, arch: fn.Architectures }));

      // Assert
      expect(functions).toHaveLength(6);
      for (const platform of platforms) {
        expect(platform).toEqual({ runtime: 'nodejs24.x', arch: ['arm64'] });
      }
    });

    it('reserves the configured concurrency for the documents function, and none for chat', () => {
      const [documents] = Object.entries(resources('AWS::Lambda::Function'))
        .filter(([id]) => id.startsWith(FUNCTION_IDS.documents))
        .map(([, fn]) => fn.Properties);
      const [chat] = Object.entries(resources('AWS::Lambda::Function'))
        .filter(([id]) => id.startsWith(FUNCTION_IDS.chat))
        .map(([, fn]) => fn.Properties);

      expect(documents?.ReservedConcurrentExecutions).toBe(20);
      expect(chat?.ReservedConcurrentExecutions).toBeUndefined();
    });

    it('ships ESM bundles with source maps, JSON logs and active tracing', () => {
      for (const fn of propsOf('AWS::Lambda::Function')) {
        expect(fn.Handler).toBe('index.handler');
        expect(environmentOf(fn).NODE_OPTIONS).toBe('--enable-source-maps');
        expect(environmentOf(fn).POWERTOOLS_SERVICE_NAME).toBe('rag-api');
        expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO' });
      }
    });

    it('sends each function to its own log group with the configured retention', () => {
      // Arrange
      const logGroups = resources('AWS::Logs::LogGroup');

      // Act
      const targets = propsOf('AWS::Lambda::Function').map(
        (fn) => ((fn.LoggingConfig as { LogGroup: Ref }).LogGroup as Ref).Ref,
      );

      // Assert
      expect(new Set(targets).size).toBe(6);
      for (const target of targets) {
        expect(Object.keys(logGroups)).toContain(target);
      }
      // six functions, CDK's bucket notifications function and the API access log
      expect(Object.keys(logGroups)).toHaveLength(8);
      for (const logGroup of Object.values(logGroups)) {
        expect(logGroup.Properties.RetentionInDays).toBe(14);
      }
    });

    it('puts no secret value in any environment, only secret ARNs', () => {
      // Arrange
      const environments = propsOf('AWS::Lambda::Function').map(environmentOf);

      // Act
      const secretArns = environments.flatMap((environment) =>
        Object.entries(environment).filter(([name]) => name.endsWith('_SECRET_ARN')),
      );

      // Assert
      expect(secretArns.length).toBeGreaterThan(0);
      for (const [, value] of secretArns) {
        expect(JSON.stringify(value)).toContain(':secretsmanager:');
      }
      for (const environment of environments) {
        for (const [name, value] of Object.entries(environment)) {
          expect(name).not.toMatch(/(_API_KEY|_PASSWORD|_TOKEN|_SECRET)$/);
          expect(JSON.stringify(value)).not.toMatch(/sk-[A-Za-z0-9]/);
        }
      }
    });

    it('gives the public function no secret and only dynamodb:DescribeTable on data', () => {
      // Arrange
      const [, publicFn] = functionsById().find(([id]) => id.startsWith('PublicApi')) ?? [];

      // Act
      const actions = actionsOf('PublicApi');

      // Assert
      expect(Object.keys(environmentOf(publicFn ?? {}))).not.toContain('OPENAI_API_KEY_SECRET_ARN');
      expect(actions.filter((action) => action.startsWith('dynamodb:'))).toEqual([
        'dynamodb:DescribeTable',
      ]);
      expect(actions.some((action) => /^(s3|sqs|secretsmanager):/.test(action))).toBe(false);
    });

    it('grants each data function only the table actions its code uses', () => {
      // Act
      const tableActions = (prefix: string) =>
        statementsOf(prefix)
          .filter((statement) => (statement as { Effect?: string }).Effect === 'Allow')
          .flatMap((statement) => statement.Action)
          .filter((action) => action.startsWith('dynamodb:'));

      // Assert
      // The stream ends its resumable-stream marker by an update and never deletes a session.
      expect(tableActions('StreamingStreamChat')).not.toContain('dynamodb:BatchWriteItem');
      expect(tableActions('StreamingStreamChat')).not.toContain('dynamodb:DeleteItem');
      expect(new Set(tableActions('ReconcilerReconcile'))).toEqual(
        new Set([
          'dynamodb:Query',
          'dynamodb:GetItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
        ]),
      );
      expect(new Set(tableActions('IngestionIndexer'))).toEqual(
        new Set(['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']),
      );
      for (const prefix of [
        'ChatApi',
        'DocumentsApi',
        'StreamingStreamChat',
        'IngestionIndexer',
        'ReconcilerReconcile',
      ]) {
        expect(actionsOf(prefix)).not.toContain('dynamodb:Scan');
        expect(actionsOf(prefix)).not.toContain('secretsmanager:DescribeSecret');
      }
    });

    it('denies data functions every write to API key items but the last-use time', () => {
      for (const prefix of ['ChatApi', 'DocumentsApi', 'StreamingStreamChat', 'IngestionIndexer']) {
        // Act
        const denies = statementsOf(prefix).filter(
          (statement) => (statement as { Effect?: string }).Effect === 'Deny',
        );

        // Assert
        expect(denies).toMatchObject([
          {
            Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem'],
            Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
          },
          {
            Action: 'dynamodb:UpdateItem',
            Condition: {
              'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] },
              'ForAnyValue:StringNotEquals': { 'dynamodb:Attributes': ['pk', 'sk', 'lastUsedAt'] },
            },
          },
        ]);
      }
    });

    it('grants Resource "*" only for the X-Ray actions, which have no resource scope', () => {
      // Arrange
      const statements = propsOf('AWS::IAM::Policy').flatMap(
        (policy) =>
          (
            policy.PolicyDocument as {
              Statement: { Action: string | string[]; Resource: unknown }[];
            }
          ).Statement,
      );

      // Act
      const starActions = statements
        .filter((statement) => [statement.Resource].flat().includes('*'))
        .flatMap((statement) => [statement.Action].flat());

      // Assert
      expect(new Set(starActions)).toEqual(
        new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
      );
    });

    it('sets the runtime configuration from the stack config', () => {
      // Arrange
      const [, chatFn] = functionsById().find(([id]) => id.startsWith('ChatApi')) ?? [];

      // Act
      const environment = environmentOf(chatFn ?? {});

      // Assert
      expect(environment).toMatchObject({
        QDRANT_URL: 'https://qdrant.example.com',
        QDRANT_COLLECTION: 'chunks',
        CHAT_MODEL: 'gpt-4o-mini',
        EMBEDDING_MODEL: 'text-embedding-3-small',
        EMBEDDING_DIMENSIONS: '1536',
        CORS_ORIGINS: ORIGINS.join(','),
        MAX_BODY_BYTES: '1048576',
        SESSION_TTL_DAYS: '30',
      });
      expect(environment.TABLE_NAME).toBeDefined();
    });
  });

  describe('HTTP API', () => {
    it('has a route for every entry of ROUTES, GET /health among them, plus $default', () => {
      // Arrange
      const expected = [...ROUTES.map(routeKey), '$default'].sort();

      // Act
      const routeKeys = propsOf('AWS::ApiGatewayV2::Route').map((route) => route.RouteKey);

      // Assert
      expect(routeKeys).toContain('GET /health');
      expect([...routeKeys].sort()).toEqual(expected);
    });

    it('sends each route to the function ROUTES names, and $default to public', () => {
      // Arrange
      const integrations = resources('AWS::ApiGatewayV2::Integration');
      const functionIdOf = (target: unknown): string => {
        const integrationId = (target as { 'Fn::Join': [string, [string, Ref]] })['Fn::Join'][1][1]
          .Ref;
        const uri = integrations[integrationId]?.Properties.IntegrationUri as GetAtt;
        return uri['Fn::GetAtt'][0];
      };
      const expected = new Map<string, HttpFunctionName>([
        ...ROUTES.map((route): [string, HttpFunctionName] => [routeKey(route), route.function]),
        ['$default', 'public'],
      ]);

      // Act
      const routes = propsOf('AWS::ApiGatewayV2::Route');

      // Assert
      for (const route of routes) {
        const name = expected.get(route.RouteKey as string) ?? 'public';
        expect(functionIdOf(route.Target).startsWith(FUNCTION_IDS[name])).toBe(true);
        expect(route.AuthorizationType).toBe('NONE');
      }
    });

    it('answers CORS preflights for the configured origins only', () => {
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: {
          AllowOrigins: ORIGINS,
          AllowHeaders: ['authorization', 'content-type'],
        },
      });
    });

    it('lets browsers read the rate-limit headers of the HTTP API', () => {
      const [api] = propsOf('AWS::ApiGatewayV2::Api');

      const exposed = (api?.CorsConfiguration as { ExposeHeaders?: string[] } | undefined)
        ?.ExposeHeaders;

      expect(exposed).toEqual(
        expect.arrayContaining(['retry-after', 'ratelimit', 'ratelimit-policy']),
      );
    });

    it('throttles the $default stage and writes JSON access logs', () => {
      // Arrange
      const [stage] = propsOf('AWS::ApiGatewayV2::Stage');

      // Act
      const settings = stage?.AccessLogSettings as { Format: string };
      const format = JSON.parse(settings.Format) as Record<string, string>;

      // Assert
      expect(stage).toMatchObject({
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      });
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        responseLatency: '$context.responseLatency',
      });
    });
  });

  describe('table', () => {
    it('matches APP_TABLE_SCHEMA: keys, GSI and TTL', () => {
      template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        KeySchema: [
          { AttributeName: APP_TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: APP_TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: APP_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
        TimeToLiveSpecification: {
          AttributeName: APP_TABLE_SCHEMA.timeToLiveAttribute,
          Enabled: true,
        },
        BillingMode: 'PAY_PER_REQUEST',
      });
    });

    it('has point-in-time recovery, deletion protection and retention', () => {
      // Arrange
      const [table] = Object.values(template.findResources('AWS::DynamoDB::GlobalTable'));

      // Act
      const properties = (table?.Properties ?? {}) as { Replicas?: Record<string, unknown>[] };

      // Assert
      expect(properties.Replicas?.[0]).toMatchObject({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(table?.DeletionPolicy).toBe('Retain');
    });
  });

  describe('ingestion', () => {
    it('moves a message to the DLQ after 5 receives, with visibility ≥ 6 × indexer timeout', () => {
      // Arrange
      const queues = propsOf('AWS::SQS::Queue');

      // Act
      const main = queues.find((queue) => queue.RedrivePolicy !== undefined);
      const dlq = queues.find((queue) => queue.RedrivePolicy === undefined);

      // Assert
      expect(queues).toHaveLength(2);
      expect(main?.RedrivePolicy).toMatchObject({ maxReceiveCount: 5 });
      expect(main?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * 90);
      expect(dlq?.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      for (const queue of queues) {
        expect(queue.SqsManagedSseEnabled).toBe(true);
      }
    });

    it('feeds the indexer in batches with partial failures and bounded concurrency', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: 8,
        MaximumBatchingWindowInSeconds: 5,
        ScalingConfig: { MaximumConcurrency: 3 },
      });
    });

    it('gives the indexer the configured timeout', () => {
      // Arrange
      const [, indexer] = functionsById().find(([id]) => id.startsWith('IngestionIndexer')) ?? [];

      // Act
      const timeout = indexer?.Timeout;

      // Assert
      expect(timeout).toBe(90);
    });

    it('alarms as soon as one message is visible in the DLQ', () => {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    });

    it('keeps an indexing job for 14 days, the longest SQS allows', () => {
      // Arrange
      const queues = propsOf('AWS::SQS::Queue');

      // Act
      const retentions = queues.map((queue) => queue.MessageRetentionPeriod);

      // Assert
      expect(retentions).toEqual([14 * 24 * 3600, 14 * 24 * 3600]);
    });

    it("keeps an indexing job exactly as long as the reconciler waits for a re-index's job", () => {
      // Arrange
      const queues = propsOf('AWS::SQS::Queue');

      // Act
      const retentionsMs = queues.map((queue) => Number(queue.MessageRetentionPeriod) * 1000);

      // Assert
      expect(retentionsMs).toEqual([DEFAULT_BULK_PATIENCE_MS, DEFAULT_BULK_PATIENCE_MS]);
      expect(JOB_RETENTION_MS).toBe(DEFAULT_BULK_PATIENCE_MS);
    });

    it('gives the indexer the queue URL and sqs:SendMessage, which its re-queue needs', () => {
      // Arrange
      const [, indexer] = functionsById().find(([id]) => id.startsWith('IngestionIndexer')) ?? [];

      // Act
      const environment = environmentOf(indexer ?? {});

      // Assert
      expect(environment.QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^IngestionQueue/) });
      expect(actionsOf('IngestionIndexer')).toContain('sqs:SendMessage');
    });

    it("lets the documents function list one document's folders (s3:ListBucket by s3:prefix)", () => {
      // Arrange
      const statements = statementsOf('DocumentsApi');

      // Act
      const list = statements.find((statement) => statement.Action === 's3:ListBucket');

      // Assert
      expect(list?.Condition).toEqual({
        StringLike: { 's3:prefix': ['tenants/*/documents/*/', 'tenants/*/uploads/*/'] },
      });
      expect(list?.Resource).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/RawDocuments/), 'Arn'],
      });
    });

    it('notifies the indexing queue of objects created and removed under tenants/', () => {
      // Act
      const [notifications = {}] = propsOf('Custom::S3BucketNotifications');
      const queues = (
        notifications.NotificationConfiguration as {
          QueueConfigurations: { Events: string[]; Filter: unknown; QueueArn: unknown }[];
        }
      ).QueueConfigurations;

      // Assert
      expect(queues.flatMap((queue) => queue.Events).sort()).toEqual([
        's3:ObjectCreated:*',
        's3:ObjectRemoved:*',
      ]);
      for (const queue of queues) {
        expect(queue.Filter).toEqual({
          Key: { FilterRules: [{ Name: 'prefix', Value: 'tenants/' }] },
        });
        expect(queue.QueueArn).toEqual({
          'Fn::GetAtt': [expect.stringMatching(/^IngestionQueue/), 'Arn'],
        });
      }
    });

    it('lets the indexer read, copy and remove objects, and tell a missing one (s3:ListBucket)', () => {
      // Act
      const actions = actionsOf('IngestionIndexer');

      // Assert
      expect(actions).toEqual(
        expect.arrayContaining([
          's3:GetObject',
          's3:PutObject',
          's3:DeleteObject',
          's3:ListBucket',
        ]),
      );
    });

    it('gives the documents function no s3:GetObject: it never reads a document back', () => {
      // Act
      const actions = actionsOf('DocumentsApi');

      // Assert
      expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:DeleteObject']));
      expect(actions).not.toContain('s3:GetObject');
    });

    it('notifies the alarm topic when the DLQ alarm fires and when it recovers', () => {
      // Arrange
      const [topicId] = Object.keys(resources('AWS::SNS::Topic'));

      // Act
      const alarm = propsOf('AWS::CloudWatch::Alarm')[0];

      // Assert
      expect(alarm?.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm?.OKActions).toEqual([{ Ref: topicId }]);
    });

    it('keeps raw documents private, encrypted, versioned and access-logged', () => {
      template.hasResourceProperties('AWS::S3::Bucket', {
        VersioningConfiguration: { Status: 'Enabled' },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        LoggingConfiguration: { LogFilePrefix: 'raw-documents/' },
      });
    });
  });

  describe('tenant limits', () => {
    it('gives every function the default per-tenant limits and local allowance from context', () => {
      // Act
      const environments = propsOf('AWS::Lambda::Function').map(
        (fn) => (fn.Environment as { Variables: Record<string, unknown> }).Variables,
      );

      // Assert
      for (const variables of environments) {
        expect(variables).toMatchObject({
          TENANT_REQUESTS_PER_MINUTE: '120',
          TENANT_TOKENS_PER_DAY: '200000',
          TENANT_CONCURRENT_STREAMS: '4',
          TENANT_CONCURRENT_FOLLOWERS: '8',
          TENANT_ALLOWANCE_REQUESTS: '10',
          TENANT_ALLOWANCE_TOKENS: '5000',
          TENANT_ALLOWANCE_MAX_AGE_MS: '10000',
        });
      }
    });
  });

  describe('runtime settings', () => {
    it('sets the runtimeSettings of the context on every function', () => {
      // Act
      const environments = propsOf('AWS::Lambda::Function').map(environmentOf);

      // Assert
      expect(environments.length).toBeGreaterThan(5);
      for (const variables of environments) {
        expect(variables).toMatchObject({
          CHAT_MAX_TOKENS: '800',
          EMBEDDING_REQUESTS_PER_MINUTE: '500',
        });
      }
    });
  });

  describe('reconciler', () => {
    it('runs the reconciler every 5 minutes from an EventBridge schedule', () => {
      // Act
      const rules = propsOf('AWS::Events::Rule');

      // Assert
      expect(rules).toHaveLength(1);
      expect(rules[0]).toMatchObject({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED' });
      const targets = (rules[0]?.Targets ?? []) as { Arn: { 'Fn::GetAtt': string[] } }[];
      const target = targets[0];
      expect(target?.Arn['Fn::GetAtt'][0]).toMatch(/^ReconcilerReconcileFunction/);
    });

    it('lets the reconciler re-queue jobs and delete a document folder, and nothing more on S3', () => {
      // Act
      const actions = actionsOf('ReconcilerReconcile');

      // Assert
      expect(actions).toContain('sqs:SendMessage');
      expect(actions).toContain('s3:DeleteObject');
      expect(actions).toContain('s3:ListBucket');
      expect(actions).not.toContain('s3:PutObject');
    });

    it('lets the reconciler read presigned uploads only, to find one whose event was lost', () => {
      // Act
      const reads = statementsOf('ReconcilerReconcile').filter((statement) =>
        [statement.Action].flat().includes('s3:GetObject'),
      );

      // Assert
      expect(reads).toHaveLength(1);
      expect(JSON.stringify(reads[0]?.Resource)).toContain('/tenants/*/uploads/*/*');
    });
  });

  describe('streaming endpoint', () => {
    it('streams responses through a function URL open to the configured origins', () => {
      template.hasResourceProperties('AWS::Lambda::Url', {
        InvokeMode: 'RESPONSE_STREAM',
        AuthType: 'NONE',
        Cors: {
          // And the HTTP API's own origin, whose docs page tries the streaming operations out.
          AllowOrigins: [...ORIGINS, Match.objectLike({ 'Fn::Join': Match.anyValue() })],
          AllowMethods: ['GET', 'POST'],
          AllowHeaders: ['authorization', 'content-type'],
        },
      });
    });

    it("lets browsers read the function URL's Retry-After and rate-limit headers", () => {
      const [url] = propsOf('AWS::Lambda::Url');

      const exposed = (url?.Cors as { ExposeHeaders?: string[] } | undefined)?.ExposeHeaders;

      expect(exposed).toEqual(['retry-after', 'ratelimit', 'ratelimit-policy']);
    });

    it('gives the streaming function the configured stream timeout', () => {
      // Arrange
      const [, stream] = functionsById().find(([id]) => id.startsWith('StreamingStreamChat')) ?? [];

      // Act
      const timeout = stream?.Timeout;

      // Assert
      expect(timeout).toBe(300);
    });

    it('turns resumable streams on in the streaming function by default', () => {
      // Arrange
      const [, stream] = functionsById().find(([id]) => id.startsWith('StreamingStreamChat')) ?? [];

      // Act
      const environment = environmentOf(stream ?? {});

      // Assert
      expect(environment.RESUMABLE_STREAMS).toBe('true');
    });
  });

  it('outputs the API URL, stream URL, table, bucket and queue', () => {
    // Arrange
    const outputs = template.toJSON().Outputs as Record<string, unknown>;

    // Act
    const names = Object.keys(outputs);

    // Assert
    expect(names).toEqual(
      expect.arrayContaining(['ApiUrl', 'StreamUrl', 'TableName', 'BucketName', 'QueueUrl']),
    );
  });
});
