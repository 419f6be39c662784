import type { ObjectEvent } from '../ingestion/handle-object-events.js';
import * as z from './zod-mini.js';

/** One record of an S3 event notification (the fields the pipeline reads). */
const s3EventRecordSchema = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string().check(z.regex(/^Object(Created|Removed):/)),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.number().check(z.int(), z.minimum(0))),
    }),
  }),
});

/** The body S3 sends to a queue for object events: `{ Records: [...] }`. */
export const s3EventNotificationSchema = z.object({
  Records: z.array(s3EventRecordSchema).check(z.minLength(1)),
});

/** The message S3 sends once when a notification is configured; it carries no object. */
export const s3TestEventSchema = z.object({
  Service: z.literal('Amazon S3'),
  Event: z.literal('s3:TestEvent'),
});

/**
 * Object keys in S3 event notifications are URL-encoded as in an HTML form (a space is `+`).
 *
 * @example
 * decodeEventKey('tenants/acme/inbox/release+notes%281%29.md') // 'tenants/acme/inbox/release notes(1).md'
 */
export const decodeEventKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/** The object events of a parsed S3 event notification, keys decoded. */
export const objectEventsOf = (
  notification: z.infer<typeof s3EventNotificationSchema>,
): ObjectEvent[] =>
  notification.Records.map((record) => ({
    change: record.eventName.startsWith('ObjectCreated:') ? 'created' : 'removed',
    key: decodeEventKey(record.s3.object.key),
    ...(record.s3.object.size !== undefined ? { sizeBytes: record.s3.object.size } : {}),
  }));
