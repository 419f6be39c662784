import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type IndexJob, indexJobBody, type JobQueue } from '../../core/ports/job-queue.js';
import { awsCall } from '../aws/aws-call.js';

/**
 * {@link JobQueue} on an SQS queue: each job is one message whose body is the claim check
 * `{ tenantId, documentId, version }` as JSON (the text itself stays in S3, so messages stay
 * small). Failures become `DependencyError`s naming sqs.
 *
 * @example
 * const queue = new SqsJobQueue(new SQSClient({}), process.env.QUEUE_URL);
 * await queue.enqueue({ tenantId: 'acme', documentId: '0b4e…', version: 2 });
 */
export class SqsJobQueue implements JobQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: IndexJob): Promise<void> {
    const body = JSON.stringify(indexJobBody(job));
    await awsCall('sqs', 'SendMessage', () =>
      this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body })),
    );
  }
}
