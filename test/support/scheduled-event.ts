import type { ScheduledEvent } from 'aws-lambda';

/**
 * An EventBridge "Scheduled Event", as a schedule rule delivers it to its target function.
 *
 * @example
 * await handler(scheduledEvent(), lambdaContext());
 */
export const scheduledEvent = (time = new Date()): ScheduledEvent => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/rag-api-reconcile'],
  detail: {},
});
