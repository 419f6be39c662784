import { randomBytes } from 'node:crypto';
import type { S3Event } from 'aws-lambda';

let sequence = 0;

/** S3 encodes keys in notifications as an HTML form does: `encodeURIComponent`, spaces as `+`. */
const encodeKey = (key: string) =>
  encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/**
 * The body S3 sends to an SQS queue for one object event (event structure version 2.1), as
 * the local stack's stand-ins of S3 (the presigned upload endpoint, the drop-folder watcher)
 * emit it, so the indexer reads the same shape as in AWS.
 *
 * @example
 * queue.send(s3EventNotification('ObjectCreated:Put', 'local', 'tenants/local/inbox/a.md', 812));
 */
export const s3EventNotification = (
  eventName: 'ObjectCreated:Put' | 'ObjectRemoved:Delete',
  bucket: string,
  key: string,
  size?: number,
): string => {
  sequence += 1;
  const event: S3Event = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'local',
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: {
          'x-amz-request-id': randomBytes(8).toString('hex'),
          'x-amz-id-2': randomBytes(16).toString('base64'),
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'local-notifications',
          bucket: {
            name: bucket,
            ownerIdentity: { principalId: 'local' },
            arn: `arn:aws:s3:::${bucket}`,
          },
          object: {
            key: encodeKey(key),
            size: size ?? 0,
            eTag: '',
            sequencer: sequence.toString(16).padStart(16, '0').toUpperCase(),
          },
        },
      },
    ],
  };
  if (eventName.startsWith('ObjectRemoved')) {
    delete (event.Records[0]!.s3.object as { size?: number }).size;
  }
  return JSON.stringify(event);
};
