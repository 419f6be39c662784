import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { documentBlobPrefix } from '../../lambdas/core/ingestion/document-blob-key.js';
import { JOB_RETENTION_DAYS } from '../../lambdas/core/ingestion/job-retention.js';
import { uploadPrefix } from '../../lambdas/core/ingestion/object-keys.js';
import { type AppConfig, queueVisibilityTimeoutSeconds } from '../config.js';
import { NodeFunction } from './node-function.js';

/** Receives before a message moves to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;

/**
 * The key prefix every raw document lives under (`tenants/<tenant>/documents/<id>/`), as an
 * `s3:prefix` pattern: listing is allowed inside document folders only.
 */
export const DOCUMENT_LIST_PREFIX = documentBlobPrefix('*', '*');

/** The prefix of a document's presigned uploads, as an `s3:prefix` pattern (deleted with it). */
export const UPLOAD_LIST_PREFIX = uploadPrefix('*', '*');

/** The keys of every document's versions and presigned uploads, as object ARN patterns. */
const DOCUMENT_AND_UPLOAD_KEYS = [`${DOCUMENT_LIST_PREFIX}*`, `${UPLOAD_LIST_PREFIX}*`];

/**
 * The key prefix the bucket notifies the queue of. S3 filters take a literal prefix, so the
 * tenant segment of `tenants/<t>/uploads/` and `tenants/<t>/inbox/` cannot be matched: every
 * key under `tenants/` is notified and the indexer drops the others (the raw versions the API
 * writes itself).
 */
export const NOTIFIED_PREFIX = 'tenants/';

/** Properties of an {@link IngestionPipeline}. */
export interface IngestionPipelineProps {
  /** The deployment configuration: batching, concurrency, timeouts, retention. */
  config: AppConfig;
  /** Environment of the indexer function (`BUCKET_NAME` and `QUEUE_URL` are added here). */
  environment: Record<string, string>;
}

/**
 * Asynchronous ingestion: a private, versioned S3 bucket for raw documents (claim check), an
 * encrypted SQS queue with a dead-letter queue after {@link MAX_RECEIVE_COUNT} receives, the
 * indexer function reading it in batches with partial-failure reporting and bounded
 * concurrency, and an alarm as soon as one message lands in the dead-letter queue.
 *
 * @example
 * const ingestion = new IngestionPipeline(this, 'Ingestion', { config, environment });
 * ingestion.grantObjectReadWrite(documents.function);
 * ingestion.queue.grantSendMessages(documents.function);
 */
export class IngestionPipeline extends Construct {
  /** Raw uploaded documents, keyed by tenant and document. */
  readonly bucket: Bucket;
  /** Server access logs of {@link bucket}. */
  readonly accessLogsBucket: Bucket;
  /** Indexing jobs `{ tenantId, documentId, version }`. */
  readonly queue: Queue;
  /** Jobs that failed {@link MAX_RECEIVE_COUNT} times. */
  readonly deadLetterQueue: Queue;
  /** The SQS-triggered indexer. */
  readonly indexer: NodeFunction;
  /** In alarm while the dead-letter queue holds at least one message. */
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: IngestionPipelineProps) {
    super(scope, id);
    // Deliver server access logs through a bucket policy, not the legacy LogDeliveryWrite ACL
    // (the feature flag new CDK projects set; scoped here so it holds without cdk.json).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const { config } = props;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // cdk-nag S1 counts a bucket that receives another bucket's access logs as compliant.
    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy,
      // CloudFormation deletes no bucket that holds objects: this one fills by itself.
      autoDeleteObjects: !config.retainData,
    });

    this.bucket = new Bucket(this, 'RawDocumentsBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'raw-documents/',
      lifecycleRules: [
        {
          noncurrentVersionExpiration: Duration.days(config.noncurrentVersionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          expiredObjectDeleteMarker: true,
        },
      ],
      removalPolicy,
      // Versioned: deleted documents leave versions and delete markers behind.
      autoDeleteObjects: !config.retainData,
      // A browser PUTs to the presigned URL of `POST /v1/uploads` with a signed content-type and
      // if-none-match: S3 answers its preflight only from these rules (the local S3 endpoint
      // answers the same).
      ...(config.corsOrigins.length > 0
        ? {
            cors: [
              {
                allowedMethods: [HttpMethods.PUT],
                allowedOrigins: [...config.corsOrigins],
                allowedHeaders: ['content-type', 'if-none-match'],
                exposedHeaders: ['ETag'],
                maxAge: 3000,
              },
            ],
          }
        : {}),
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(JOB_RETENTION_DAYS),
    });

    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(queueVisibilityTimeoutSeconds(config)),
      retentionPeriod: Duration.days(JOB_RETENTION_DAYS),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });

    this.indexer = new NodeFunction(this, 'Indexer', {
      entry: 'lambdas/handlers/index-documents.ts',
      description: 'Chunks, embeds and upserts queued documents into Qdrant',
      config,
      timeoutSeconds: config.indexerTimeoutSeconds,
      environment: {
        ...props.environment,
        BUCKET_NAME: this.bucket.bucketName,
        // The indexer re-queues a version that a superseded run may have overwritten.
        QUEUE_URL: this.queue.queueUrl,
      },
    });
    this.indexer.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: config.indexerBatchSize,
        maxBatchingWindow: Duration.seconds(config.indexerBatchWindowSeconds),
        maxConcurrency: config.indexerMaxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    // Object events (presigned uploads arriving, drop-folder files written or removed) reach the
    // indexer through the same queue; S3 sends a test event to it once, which the indexer drops.
    const notify = new SqsDestination(this.queue);
    this.bucket.addEventNotification(EventType.OBJECT_CREATED, notify, { prefix: NOTIFIED_PREFIX });
    this.bucket.addEventNotification(EventType.OBJECT_REMOVED, notify, { prefix: NOTIFIED_PREFIX });
    this.acknowledgeNotificationsHandler();
    // Read uploads and drop-folder files, store their copies as versions, remove what it refuses
    // or what a deleted drop-folder file's document left.
    this.grantObjectReadWrite(this.indexer.role);
    this.grantListBucket(this.indexer.role);
    this.grantSendJobs(this.indexer.role);

    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Indexing jobs failed repeatedly and wait in the dead-letter queue.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** Lets `grantee` store, read and delete raw documents. */
  grantObjectReadWrite(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
  }

  /**
   * Lets `grantee` delete raw documents and presigned uploads, and nothing else on them: never
   * a drop-folder file, whose removal deletes its tenant's document.
   */
  grantObjectDelete(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:DeleteObject'], DOCUMENT_AND_UPLOAD_KEYS);
  }

  /**
   * Lets `grantee` read presigned uploads only (`HeadObject` of {@link UPLOAD_LIST_PREFIX}'s
   * keys): the reconciler looks for the object of a version still awaiting it.
   */
  grantReadUploads(grantee: IGrantable): Grant {
    return this.grantObjects(grantee, ['s3:GetObject'], `${UPLOAD_LIST_PREFIX}*`);
  }

  /**
   * Lets `grantee` store and delete raw documents and presigned uploads (and sign `PUT`s of
   * them), without reading them back; never a drop-folder file.
   */
  grantObjectWrite(grantee: IGrantable): Grant {
    return this.grantObjects(
      grantee,
      ['s3:PutObject', 's3:DeleteObject'],
      DOCUMENT_AND_UPLOAD_KEYS,
    );
  }

  /**
   * Lets `grantee` list the keys of one document's folders (`ListObjectsV2`, which deleting a
   * document's versions and uploads needs): `s3:ListBucket` on the bucket, only for an
   * `s3:prefix` inside {@link DOCUMENT_LIST_PREFIX} or {@link UPLOAD_LIST_PREFIX}, so the whole
   * bucket cannot be enumerated.
   */
  grantListDocumentFolders(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [DOCUMENT_LIST_PREFIX, UPLOAD_LIST_PREFIX] } },
    });
  }

  /**
   * Lets `grantee` list the bucket without a prefix condition. The indexer needs it: S3 answers
   * a read of a missing object with 404 only to a caller that may list the bucket, and 403
   * otherwise; a drop-folder event must tell "gone since" from "not allowed". (An `s3:prefix`
   * condition would not apply: a read carries no prefix.)
   */
  grantListBucket(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
    });
  }

  /** Lets `grantee` send indexing jobs, and nothing else on the queue. */
  grantSendJobs(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['sqs:SendMessage'],
      resourceArns: [this.queue.queueArn],
    });
  }

  /**
   * CDK configures bucket notifications through a custom resource whose singleton function's
   * role has the AWS managed basic execution policy; the function is CDK's, not ours to change.
   */
  private acknowledgeNotificationsHandler(): void {
    const handler = Stack.of(this)
      .node.children.filter((child) => child.node.id.startsWith('BucketNotificationsHandler'))
      .map((child) => child.node.tryFindChild('Role'))
      .find((role) => role !== undefined);
    if (!handler) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket notifications custom resource (it sets the raw bucket's S3 event " +
        'notifications at deploy time) runs with the basic execution role CDK gives it: logs only.',
    });
  }

  /**
   * Grants object actions on `bucket/<keys>` (every key by default) and acknowledges that one
   * wildcard on the grantee: object keys are chosen at runtime per tenant and document, so no
   * finite list of ARNs exists.
   */
  private grantObjects(
    grantee: IGrantable,
    actions: string[],
    keyPatterns: string | readonly string[] = '*',
  ): Grant {
    const patterns = [keyPatterns].flat();
    const grant = Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: patterns.map((keys) => this.bucket.arnForObjects(keys)),
    });
    const bucketLogicalId = Stack.of(this).resolve(
      Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket),
    ) as string;
    const principal = grantee.grantPrincipal;
    if (principal instanceof Construct) {
      for (const keys of patterns) {
        Validations.of(principal).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${keys}]`,
          reason:
            'Object keys of the raw document bucket are generated at runtime per tenant and ' +
            `document, so object permissions are granted on this one bucket's keys ("bucket/${keys}").`,
        });
      }
    }
    return grant;
  }
}
