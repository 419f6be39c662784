import type { ScheduledEvent } from 'aws-lambda';

/**
 * The event EventBridge sends a function on a schedule rule ("Scheduled Event").
 *
 * @example
 * await reconciler.invoke(scheduledEvent('arn:aws:events:us-east-1:123456789012:rule/reconcile'));
 */
export const scheduledEvent = (ruleArn: string, at = new Date()): ScheduledEvent => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ruleArn.split(':')[4] ?? '123456789012',
  time: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: ruleArn.split(':')[3] ?? 'us-east-1',
  resources: [ruleArn],
  detail: {},
});

/** Status, headers and body of a function URL response (prelude, eight NUL bytes, body). */
export interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

const PRELUDE_END = Buffer.alloc(8);

/**
 * Splits a function URL stream into its HTTP integration prelude and body, as the function URL
 * front end does. A stream without the prelude content type is a 200 with that content type.
 */
export const parseFunctionUrlResponse = (
  contentType: string | undefined,
  body: Buffer,
): FunctionUrlResponse => {
  if (contentType !== 'application/vnd.awslambda.http-integration-response') {
    return {
      statusCode: 200,
      headers: { 'content-type': contentType ?? 'application/octet-stream' },
      body,
    };
  }
  const end = body.indexOf(PRELUDE_END);
  if (end < 0) throw new Error('the stream has no end of prelude (8 NUL bytes)');
  const prelude = JSON.parse(body.subarray(0, end).toString('utf8')) as {
    statusCode?: number;
    headers?: Record<string, string>;
  };
  return {
    statusCode: prelude.statusCode ?? 200,
    headers: prelude.headers ?? {},
    body: body.subarray(end + PRELUDE_END.length),
  };
};
