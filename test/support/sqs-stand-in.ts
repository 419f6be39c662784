import { createHash, randomUUID } from 'node:crypto';
import { AwsJsonError, startAwsJsonServer } from './aws-json-server.js';

/** A message the stand-in holds. */
export interface SqsStandInMessage {
  messageId: string;
  body: string;
  sentAt: number;
}

/** A running {@link startSqsStandIn}. */
export interface SqsStandIn {
  /** Endpoint for an `SQSClient` (or `AWS_ENDPOINT_URL_SQS`). */
  readonly endpoint: string;
  /**
   * The URL of the queue `name` (it exists once named here), on this stand-in or on `base`
   * (a proxy in front of it): queues are found by the URL's path, `/<account>/<name>`.
   */
  queueUrl(name: string, base?: string): string;
  /** Removes and returns the messages sent to a queue so far. */
  drain(queueUrl: string): SqsStandInMessage[];
  close(): Promise<void>;
}

/** The account id queue URLs carry. */
export const SQS_STAND_IN_ACCOUNT = '123456789012';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/**
 * A minimal SQS stand-in speaking AWS JSON 1.0 (`AmazonSQS.SendMessage`), the protocol SDK v3
 * clients use: messages are kept in memory per queue URL, for the test to deliver to the
 * indexer as an SQS event. A queue URL the stand-in did not hand out gets
 * `QueueDoesNotExist`, as SQS answers it.
 *
 * @example
 * const sqs = await startSqsStandIn();
 * const url = sqs.queueUrl('indexing');
 */
export const startSqsStandIn = async (): Promise<SqsStandIn> => {
  const queues = new Map<string, SqsStandInMessage[]>();
  const queueOf = (input: Record<string, unknown>) => {
    let path: string;
    try {
      path = new URL(String(input.QueueUrl)).pathname;
    } catch {
      throw new AwsJsonError('InvalidAddress', 'QueueUrl is not a URL');
    }
    const messages = queues.get(path);
    if (!messages) {
      throw new AwsJsonError('AWS.SimpleQueueService.NonExistentQueue', 'The queue does not exist');
    }
    return messages;
  };
  const server = await startAwsJsonServer('AmazonSQS', '1.0', {
    SendMessage: (input) => {
      const body = input.MessageBody;
      if (typeof body !== 'string' || body === '') {
        throw new AwsJsonError('MissingParameter', 'MessageBody is required');
      }
      const message = { messageId: randomUUID(), body, sentAt: Date.now() };
      queueOf(input).push(message);
      return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
    },
  });
  return {
    endpoint: server.endpoint,
    queueUrl: (name, base = server.endpoint) => {
      const path = `/${SQS_STAND_IN_ACCOUNT}/${name}`;
      if (!queues.has(path)) queues.set(path, []);
      return `${base}${path}`;
    },
    drain: (queueUrl) => queues.get(new URL(queueUrl).pathname)?.splice(0) ?? [],
    close: server.close,
  };
};
