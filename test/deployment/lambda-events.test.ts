import { describe, expect, it } from 'vitest';
import { parseFunctionUrlResponse, scheduledEvent } from './lambda-events.js';

describe('scheduledEvent', () => {
  it('is the "Scheduled Event" EventBridge sends for its rule, in its account and region', () => {
    const event = scheduledEvent(
      'arn:aws:events:eu-west-1:111122223333:rule/reconcile',
      new Date('2026-12-01T02:00:00.123Z'),
    );

    expect(event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '111122223333',
      region: 'eu-west-1',
      time: '2026-12-01T02:00:00Z',
      resources: ['arn:aws:events:eu-west-1:111122223333:rule/reconcile'],
      detail: {},
    });
  });
});

describe('parseFunctionUrlResponse', () => {
  it('splits the HTTP integration prelude from the body at the eight NUL bytes', () => {
    const body = Buffer.concat([
      Buffer.from('{"statusCode":503,"headers":{"retry-after":"5"}}'),
      Buffer.alloc(8),
      Buffer.from('{"status":503}'),
    ]);

    const response = parseFunctionUrlResponse(
      'application/vnd.awslambda.http-integration-response',
      body,
    );

    expect(response.statusCode).toBe(503);
    expect(response.headers).toEqual({ 'retry-after': '5' });
    expect(response.body.toString()).toBe('{"status":503}');
  });

  it('refuses a prelude stream that never ends its prelude', () => {
    expect(() =>
      parseFunctionUrlResponse(
        'application/vnd.awslambda.http-integration-response',
        Buffer.from('{"statusCode":200}'),
      ),
    ).toThrow(/8 NUL bytes/);
  });
});
