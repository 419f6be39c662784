import { createHash, randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * An SQS record as Lambda delivers it, for handler tests.
 *
 * @example
 * sqsRecord(JSON.stringify(job), { receiveCount: 5 })
 */
export const sqsRecord = (
  body: string,
  options: { receiveCount?: number; messageId?: string } = {},
): SQSRecord => ({
  messageId: options.messageId ?? randomUUID(),
  receiptHandle: randomUUID(),
  body,
  attributes: {
    ApproximateReceiveCount: String(options.receiveCount ?? 1),
    SentTimestamp: String(Date.now()),
    SenderId: '000000000000:test',
    ApproximateFirstReceiveTimestamp: String(Date.now()),
  },
  messageAttributes: {},
  md5OfBody: createHash('md5').update(body).digest('hex'),
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:local:000000000000:index-documents',
  awsRegion: 'local',
});

/** An SQS event of these records. */
export const sqsEvent = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
