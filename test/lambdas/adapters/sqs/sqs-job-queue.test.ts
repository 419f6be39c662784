import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqsJobQueue } from '../../../../lambdas/adapters/sqs/sqs-job-queue.js';

interface SeenRequest {
  target: string | undefined;
  body: Record<string, unknown>;
}

/** The SQS JSON protocol's `SendMessage`, answered with the MD5 the SDK verifies. */
let server: Server;
let endpoint: string;
const seen: SeenRequest[] = [];
let failNext: number | undefined;

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    seen.push({ target: request.headers['x-amz-target'] as string | undefined, body });
    if (failNext) {
      response.writeHead(failNext, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(
        JSON.stringify({ __type: 'com.amazonaws.sqs#RequestThrottled', message: 'slow down' }),
      );
      failNext = undefined;
      return;
    }
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end(
      JSON.stringify({
        MessageId: 'm-1',
        MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex'),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const queueWith = () =>
  new SqsJobQueue(
    new SQSClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    }),
    `${endpoint}/000000000000/index-documents`,
  );

describe('SqsJobQueue', () => {
  it('sends the claim check as the JSON body of one message', async () => {
    await queueWith().enqueue({ tenantId: 'acme', documentId: 'd-1', version: 3 });

    const request = seen.at(-1)!;
    expect(request.target).toBe('AmazonSQS.SendMessage');
    expect(request.body.QueueUrl).toBe(`${endpoint}/000000000000/index-documents`);
    expect(JSON.parse(String(request.body.MessageBody))).toEqual({
      tenantId: 'acme',
      documentId: 'd-1',
      version: 3,
    });
  });

  it("carries a part's range in the body", async () => {
    const part = { index: 0, count: 2, fromChunk: 0, toChunk: 256 };

    await queueWith().enqueue({ tenantId: 'acme', documentId: 'd-1', version: 3, part });

    expect(JSON.parse(String(seen.at(-1)!.body.MessageBody))).toEqual({
      tenantId: 'acme',
      documentId: 'd-1',
      version: 3,
      part,
    });
  });

  it('turns throttling into a 503 that names sqs', async () => {
    failNext = 400;

    await expect(
      queueWith().enqueue({ tenantId: 'acme', documentId: 'd-1', version: 1 }),
    ).rejects.toMatchObject({ status: 503, dependency: 'sqs' });
  });
});
