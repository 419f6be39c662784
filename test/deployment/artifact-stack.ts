import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpApiListener, type LocalHttpFunction } from '../../dev/serve-http-api.js';
import { DynamoDbApiKeyStore } from '../../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { APP_TABLE_SCHEMA } from '../../lambdas/adapters/dynamodb/table-schema.js';
import { issueApiKey } from '../../lambdas/core/auth/issue-api-key.js';
import { systemClock } from '../../lambdas/core/ports/clock.js';
import type { HttpResult } from '../../lambdas/http/http-types.js';
import { type DynaliteHandle, startDynalite } from '../support/dynalite.js';
import { type OpenAiStandIn, startOpenAiStandIn } from '../support/openai-stand-in.js';
import { type QdrantStandIn, startQdrantStandIn } from '../support/qdrant-stand-in.js';
import { type S3StandIn, startS3StandIn } from '../support/s3-stand-in.js';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../support/secrets-manager-stand-in.js';
import { type SqsStandIn, startSqsStandIn } from '../support/sqs-stand-in.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { type ArtifactFunction, artifactFunctionOf } from './artifact-functions.js';
import {
  type AwsCallRecorder,
  describeDynamoDbCall,
  describeS3Call,
  describeSecretsManagerCall,
  describeSqsCall,
  startAwsCallRecorder,
} from './aws-call-recorder.js';
import {
  type CloudFormationTemplate,
  type PhysicalResource,
  type PolicyStatement,
  readTemplate,
  resolveTokens,
  type TemplateFunction,
  type TokenValues,
  templateFunctions,
} from './cloudformation-template.js';
import { type FunctionUrlFrontEnd, startFunctionUrlFrontEnd } from './function-url-front-end.js';
import type { AwsCall } from './iam-policy.js';
import { type LambdaContainer, startLambdaContainer } from './lambda-container.js';
import { ensureRuntimeClient } from './runtime-client.js';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where the artifact tests synthesize the app. */
export const ARTIFACT_CDK_OUT = join(PROJECT_ROOT, '.artifact-test/cdk.out');

/** Hosts the template is synthesized with for the non-AWS services, mapped to stand-ins. */
export const PLACEHOLDER_QDRANT_URL = 'https://qdrant.artifact-test.invalid';
export const PLACEHOLDER_OPENAI_URL = 'https://openai.artifact-test.invalid/v1';

const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';
const TABLE_NAME = 'rag-api-artifacts';

/**
 * Runs `cdk synth` as `npm run synth` does (the app in `cdk.json`, cdk-nag included) into
 * {@link ARTIFACT_CDK_OUT}, with Qdrant and OpenAI at placeholder hosts.
 */
export const synthesize = (stackName = 'rag-api'): CloudFormationTemplate => {
  execFileSync(
    process.execPath,
    [
      join(PROJECT_ROOT, 'node_modules/aws-cdk/bin/cdk'),
      'synth',
      '--quiet',
      '--output',
      ARTIFACT_CDK_OUT,
      '--context',
      `qdrantUrl=${PLACEHOLDER_QDRANT_URL}`,
      '--context',
      `openAiBaseUrl=${PLACEHOLDER_OPENAI_URL}`,
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    },
  );
  return readTemplate(ARTIFACT_CDK_OUT, stackName);
};

/** One function of the template, running. */
export interface RunningFunction {
  definition: ArtifactFunction;
  template: TemplateFunction;
  /** Its environment as the container got it. */
  environment: Record<string, string>;
  /** Its role's statements, tokens resolved to the local ARNs. */
  statements: PolicyStatement[];
  container: LambdaContainer;
}

/** A running {@link startArtifactStack}. */
export interface ArtifactStack {
  readonly template: CloudFormationTemplate;
  readonly functions: Map<string, RunningFunction>;
  /** Template functions that no entry of `ARTIFACT_FUNCTIONS` names. */
  readonly unknownFunctions: string[];
  /** The HTTP API (API Gateway v2 events to the three HTTP functions). */
  readonly apiUrl: string;
  /** The streaming function URL. */
  readonly stream: FunctionUrlFrontEnd;
  readonly apiKey: string;
  /** The tenant of {@link apiKey}. */
  readonly tenantId: string;
  readonly queueUrl: string;
  /** The raw documents bucket (S3 event notifications name it). */
  readonly bucketName: string;
  readonly calls: AwsCall[];
  readonly services: {
    db: DynaliteHandle;
    s3: S3StandIn;
    sqs: SqsStandIn;
    secrets: SecretsManagerStandIn;
    /** The relay in front of Secrets Manager: `cut()` takes it off the network. */
    secretsLink: TcpProxy;
    openai: OpenAiStandIn;
    qdrant: QdrantStandIn;
  };
  /**
   * Starts another execution environment of a function (a cold start), its environment
   * changed by `environment` (e.g. endpoints behind TLS).
   */
  startContainer(name: string, environment?: Record<string, string>): Promise<LambdaContainer>;
  close(): Promise<void>;
}

const asHttpFunction =
  (container: LambdaContainer): LocalHttpFunction =>
  async (event) => {
    const result = await container.invoke(event);
    if (result.error) {
      throw new Error(`${container.name} failed: ${result.error.type} ${result.error.body}`);
    }
    return JSON.parse(result.body.toString('utf8')) as HttpResult;
  };

/** Options of {@link startArtifactStack}. */
export interface ArtifactStackOptions {
  /** Delay between the OpenAI stand-in's streamed tokens (default 40 ms). */
  tokenIntervalMs?: number;
  /** Reuse the cloud assembly already in {@link ARTIFACT_CDK_OUT} instead of synthesizing. */
  reuseSynthesized?: boolean;
}

/**
 * Synthesizes the app and runs every function's bundle from the cloud assembly under AWS's
 * runtime interface client, one process per function, each with the template's `Handler`,
 * memory and environment (its tokens resolved to local resources, AWS endpoints set through
 * `AWS_ENDPOINT_URL_<SERVICE>` to recording proxies in front of dynalite and the S3, SQS and
 * Secrets Manager stand-ins; Qdrant and OpenAI at their stand-ins), behind a local HTTP API
 * (API Gateway v2 events) and a streaming function URL.
 */
export const startArtifactStack = async (
  options: ArtifactStackOptions = {},
): Promise<ArtifactStack> => {
  const runtimeClientEntry = ensureRuntimeClient();
  const template = options.reuseSynthesized
    ? readTemplate(ARTIFACT_CDK_OUT, 'rag-api')
    : synthesize();

  const calls: AwsCall[] = [];
  const record = (call: AwsCall) => calls.push(call);
  const db = await startDynalite(TABLE_NAME);
  // Every function process signs with the secret key the container gives it (presigned URLs too).
  const s3 = await startS3StandIn({ secretOf: () => 'artifact-test' });
  const sqs = await startSqsStandIn();
  const secrets = await startSecretsManagerStandIn();
  const secretsLink = await startTcpProxy(secrets.port);
  const openai = await startOpenAiStandIn({ tokenIntervalMs: options.tokenIntervalMs ?? 40 });
  const qdrant = await startQdrantStandIn();
  const recorders: AwsCallRecorder[] = [
    await startAwsCallRecorder(
      db.endpoint,
      describeDynamoDbCall(ACCOUNT_ID, APP_TABLE_SCHEMA.partitionKey),
      record,
    ),
    await startAwsCallRecorder(s3.endpoint, describeS3Call, record),
    await startAwsCallRecorder(sqs.endpoint, describeSqsCall, record),
    await startAwsCallRecorder(
      `http://127.0.0.1:${secretsLink.port}`,
      describeSecretsManagerCall(secrets.resolve),
      record,
    ),
  ];
  const [dynamoRecorder, s3Recorder, sqsRecorder, secretsRecorder] = recorders as [
    AwsCallRecorder,
    AwsCallRecorder,
    AwsCallRecorder,
    AwsCallRecorder,
  ];

  const tokenValues: TokenValues = {
    region: REGION,
    accountId: ACCOUNT_ID,
    resource: (logicalId, resource): PhysicalResource => {
      switch (resource.Type) {
        case 'AWS::DynamoDB::GlobalTable':
        case 'AWS::DynamoDB::Table':
          return {
            ref: TABLE_NAME,
            attributes: { Arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${TABLE_NAME}` },
          };
        case 'AWS::S3::Bucket': {
          const name = logicalId.toLowerCase();
          return { ref: name, attributes: { Arn: `arn:aws:s3:::${name}` } };
        }
        case 'AWS::SQS::Queue':
          return {
            ref: sqs.queueUrl(logicalId, sqsRecorder.endpoint),
            attributes: {
              Arn: `arn:aws:sqs:${REGION}:${ACCOUNT_ID}:${logicalId}`,
              QueueName: logicalId,
            },
          };
        case 'AWS::Lambda::Url':
          // Named by the public function's OpenAPI document only; no function calls it.
          return {
            ref: logicalId,
            attributes: {
              FunctionUrl: `https://${logicalId.toLowerCase()}.lambda-url.${REGION}.on.aws/`,
            },
          };
        default: {
          // Resources no function calls (log groups, roles): any unique ARN will do.
          const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
          return {
            ref: logicalId,
            attributes: { Arn: `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${logicalId}` },
          };
        }
      }
    },
  };
  const resolve = <T>(value: T): T => resolveTokens(value, template, tokenValues) as T;

  const endpoints = {
    AWS_ENDPOINT_URL_DYNAMODB: dynamoRecorder.endpoint,
    AWS_ENDPOINT_URL_S3: s3Recorder.endpoint,
    AWS_ENDPOINT_URL_SQS: sqsRecorder.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsRecorder.endpoint,
  };
  const localHosts: Record<string, string> = {
    [PLACEHOLDER_QDRANT_URL]: qdrant.url,
    [PLACEHOLDER_OPENAI_URL]: openai.url,
  };
  const secretValues: Record<string, string> = {
    OPENAI_API_KEY_SECRET_ARN: 'sk-artifact-test',
    QDRANT_API_KEY_SECRET_ARN: '{"apiKey":"qdrant-artifact-test"}',
  };
  const storedSecrets = new Set<string>();

  const cdkFunctions = templateFunctions(template, ARTIFACT_CDK_OUT);
  const unknownFunctions = cdkFunctions
    .filter((fn) => !artifactFunctionOf(fn.logicalId))
    .map((fn) => fn.logicalId);
  const definitions = new Map<
    string,
    {
      definition: ArtifactFunction;
      template: TemplateFunction;
      environment: Record<string, string>;
    }
  >();
  for (const fn of cdkFunctions) {
    const definition = artifactFunctionOf(fn.logicalId);
    if (!definition) continue;
    const variables = Object.fromEntries(
      Object.entries(resolve(fn.environment)).map(([name, value]) => [
        name,
        localHosts[String(value)] ?? String(value),
      ]),
    );
    for (const [name, value] of Object.entries(variables)) {
      if (secretValues[name] && !storedSecrets.has(value)) {
        secrets.put(value, secretValues[name]);
        storedSecrets.add(value);
      }
    }
    definitions.set(definition.name, {
      definition,
      template: fn,
      environment: { ...variables, ...endpoints },
    });
  }

  const startContainer = async (
    name: string,
    environment: Record<string, string> = {},
  ): Promise<LambdaContainer> => {
    const found = definitions.get(name);
    if (!found) throw new Error(`no function ${name} in the template`);
    const { codeDirectory } = found.template;
    if (!codeDirectory) throw new Error(`${name} has no aws:asset:path metadata in the template`);
    return startLambdaContainer({
      name,
      codeDirectory,
      handler: found.template.handler,
      environment: { ...found.environment, ...environment },
      memorySize: found.template.memorySize,
      runtimeClientEntry,
      region: REGION,
      accountId: ACCOUNT_ID,
    });
  };

  const functions = new Map<string, RunningFunction>();
  for (const [name, found] of definitions) {
    functions.set(name, {
      ...found,
      statements: resolve(found.template.statements),
      container: await startContainer(name),
    });
  }

  const container = (name: string) => {
    const running = functions.get(name);
    if (!running) throw new Error(`the template has no function ${name}`);
    return running.container;
  };
  const api: Server = createServer(
    httpApiListener({
      functions: {
        public: asHttpFunction(container('PublicApi')),
        chat: asHttpFunction(container('ChatApi')),
        documents: asHttpFunction(container('DocumentsApi')),
      },
    }),
  );
  await new Promise<void>((done) => api.listen(0, '127.0.0.1', done));
  const stream = await startFunctionUrlFrontEnd(container('StreamingStreamChat'));

  const tenantId = 'tenant-artifacts';
  const { key: apiKey } = await issueApiKey(
    new DynamoDbApiKeyStore(db.documentClient, TABLE_NAME),
    systemClock,
    tenantId,
  );
  const queueUrl = functions.get('DocumentsApi')?.environment.QUEUE_URL ?? '';
  const bucketName = functions.get('DocumentsApi')?.environment.BUCKET_NAME ?? '';

  return {
    template,
    functions,
    unknownFunctions,
    apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    stream,
    apiKey,
    tenantId,
    queueUrl,
    bucketName,
    calls,
    services: { db, s3, sqs, secrets, secretsLink, openai, qdrant },
    startContainer,
    close: async () => {
      await Promise.all([...functions.values()].map((fn) => fn.container.close()));
      await stream.close();
      await new Promise<void>((done) => {
        api.closeAllConnections();
        api.close(() => done());
      });
      await Promise.all(recorders.map((recorder) => recorder.close()));
      await Promise.all([
        db.close(),
        s3.close(),
        sqs.close(),
        secretsLink.close(),
        secrets.close(),
        openai.close(),
        qdrant.close(),
      ]);
    },
  };
};
