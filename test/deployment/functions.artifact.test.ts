import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DefaultChatTransport, type UIMessage, type UIMessageChunk } from 'ai';
import type { SQSBatchResponse } from 'aws-lambda';
import { VERSION as OPENAI_SDK_VERSION } from 'openai/version';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiGatewayEvent, functionUrlEvent } from '../../dev/http-events.js';
import { s3EventNotification } from '../../dev/s3-event-notification.js';
import { isLocalOnlyImport, LAZY_MODULES, ON_DEMAND_EXTERNALS } from '../../lib/bundling.js';
import { packageOf } from '../../lib/own-code-source-map.js';
import { client } from '../support/local-stack-client.js';
import { makePdf } from '../support/pdf-fixture.js';
import { sqsEvent, sqsRecord } from '../support/sqs-events.js';
import { ARTIFACT_FUNCTIONS, RUNTIME_ACTIONS } from './artifact-functions.js';
import { type ArtifactStack, startArtifactStack } from './artifact-stack.js';
import { checkCoverage, describeCoverage } from './iam-policy.js';
import { parseFunctionUrlResponse, scheduledEvent } from './lambda-events.js';

let stack: ArtifactStack;

beforeAll(async () => {
  stack = await startArtifactStack();
});

afterAll(async () => {
  await stack?.close();
});

const api = () => client({ apiUrl: stack.apiUrl, streamUrl: stack.stream.url }, stack.apiKey);

const running = (name: string) => {
  const fn = stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
};

const DOCUMENT = {
  title: 'Path parameters',
  text: 'Path parameters are declared in the path with braces. FastAPI converts each path parameter to the declared type and validates it.',
};

describe('the synthesized bundles under the Lambda runtime interface client', () => {
  let documentId: string;
  let sessionId: string;

  it('has an artifact-test entry for every function of the template', () => {
    expect(stack.unknownFunctions).toEqual([]);
    expect([...stack.functions.keys()].sort()).toEqual(
      ARTIFACT_FUNCTIONS.map((fn) => fn.name).sort(),
    );
  });

  it('answers GET /health?deep=true from the public function, probing the table', async () => {
    const reply = await api().json('GET', '/health?deep=true');

    expect(reply.status, reply.text).toBe(200);
  });

  it('ships bundles importing only Node built-ins, and on demand the credential providers left out, the lazy modules installed beside them and the local-only modules', () => {
    for (const fn of stack.functions.values()) {
      const directory = fn.template.codeDirectory ?? '';
      const code = readFileSync(join(directory, 'index.mjs'), 'utf8');
      const imported = [...code.matchAll(/(?:^|[;}])import[^(;"']{0,200}from\s*["']([^"']+)["']/g)];
      const loaded = [...code.matchAll(/import\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
      const installed = (path: string) =>
        LAZY_MODULES.includes(path) && existsSync(join(directory, 'node_modules', path));

      expect(
        imported.map((match) => match[1]).filter((path) => !path?.startsWith('node:')),
      ).toEqual([]);
      expect(
        loaded.filter(
          (path) =>
            !path.startsWith('node:') &&
            !ON_DEMAND_EXTERNALS.includes(path) &&
            !installed(path) &&
            !isLocalOnlyImport(path),
        ),
      ).toEqual([]);
    }
  });

  it("ships source maps of the project's code, each dependency mapped to its package only", () => {
    for (const fn of stack.functions.values()) {
      const directory = fn.template.codeDirectory ?? '';
      const map = JSON.parse(readFileSync(join(directory, 'index.mjs.map'), 'utf8')) as {
        sources: string[];
      };

      expect(map.sources.some((source) => source.includes('/lambdas/handlers/'))).toBe(true);
      expect(
        map.sources.filter(
          (source) => source.includes('node_modules/') && packageOf(`${source}/`) !== source,
        ),
      ).toEqual([]);
    }
  });

  it('takes an upload (S3 put, queue send) and answers 202 from the documents function', async () => {
    const reply = await api().json('POST', '/v1/documents', DOCUMENT);

    expect(reply.status, reply.text).toBe(202);
    documentId = (reply.body as { id: string }).id;
    expect(stack.services.s3.objects.size).toBe(1);
  });

  it('indexes the queued job and reports only the poison record in batchItemFailures', async () => {
    const jobs = stack.services.sqs.drain(stack.queueUrl);
    const poison = sqsRecord('not a job', { messageId: 'poison-1' });
    const event = sqsEvent(
      ...jobs.map((job) => sqsRecord(job.body, { messageId: job.messageId })),
      poison,
    );

    const result = await running('IngestionIndexer').container.invoke(event);

    expect(jobs).toHaveLength(1);
    expect(result.error, result.body.toString()).toBeUndefined();
    const response = JSON.parse(result.body.toString('utf8')) as SQSBatchResponse;
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'poison-1' }]);
    expect(await api().waitForDocument(documentId)).toMatchObject({ status: 'ready' });
  });

  it('re-queues a version superseded while it was being indexed (the indexer sends to SQS)', async () => {
    const { openai, sqs } = stack.services;
    openai.configure({ embeddingDelayMs: 1_500 });
    await api().json('POST', '/v1/documents', {
      ...DOCUMENT,
      text: `${DOCUMENT.text} Version two.`,
    });
    const [second] = sqs.drain(stack.queueUrl);
    const embeddingsBefore = openai.callCount('embeddings');

    const indexing = running('IngestionIndexer').container.invoke(
      sqsEvent(sqsRecord(second?.body ?? '')),
    );
    while (openai.callCount('embeddings') === embeddingsBefore)
      await new Promise((done) => setTimeout(done, 20));
    const third = await api().json('POST', '/v1/documents', {
      ...DOCUMENT,
      text: `${DOCUMENT.text} Version three.`,
    });
    const result = await indexing;
    openai.configure({ embeddingDelayMs: 0 });
    const queued = sqs.drain(stack.queueUrl);

    expect(third.status, third.text).toBe(202);
    expect(JSON.parse(result.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    expect(queued.map((message) => JSON.parse(message.body).version)).toEqual([3, 3]);
    const final = await running('IngestionIndexer').container.invoke(
      sqsEvent(...queued.map((message) => sqsRecord(message.body))),
    );
    expect(JSON.parse(final.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    expect(await api().waitForDocument(documentId)).toMatchObject({ status: 'ready', version: 3 });
  });

  it('lists the documents of the tenant', async () => {
    const reply = await api().json('GET', '/v1/documents');

    expect(reply.status, reply.text).toBe(200);
    expect(JSON.stringify(reply.body)).toContain(documentId);
  });

  it('answers a buffered chat with the indexed document cited', async () => {
    const reply = await api().json('POST', '/v1/chat', {
      message: 'How are path parameters declared?',
    });

    expect(reply.status, reply.text).toBe(200);
    expect(JSON.stringify(reply.body)).toContain(documentId);
    sessionId = (reply.body as { sessionId: string }).sessionId;
  });

  it("sends the OpenAI SDK's own User-Agent from the minified bundles", () => {
    const agents = new Set(
      stack.services.openai.requests.map((request) => request.headers['user-agent']),
    );

    expect([...agents]).toEqual([`OpenAI/JS ${OPENAI_SDK_VERSION}`]);
  });

  it('lists, reads and deletes the chat session', async () => {
    const listed = await api().json('GET', '/v1/sessions');
    const read = await api().json('GET', `/v1/sessions/${sessionId}`);
    const deleted = await api().json('DELETE', `/v1/sessions/${sessionId}`);
    const gone = await api().json('GET', `/v1/sessions/${sessionId}`);

    expect(listed.status, listed.text).toBe(200);
    expect(JSON.stringify(listed.body)).toContain(sessionId);
    expect(read.status, read.text).toBe(200);
    expect(deleted.status, deleted.text).toBe(204);
    expect(gone.status).toBe(404);
  });

  /** Streams one answer through the AI SDK's transport; times each chunk as the client reads it. */
  const streamAnswer = async (question: string) => {
    const transport = new DefaultChatTransport<UIMessage>({
      api: stack.stream.url,
      headers: { authorization: `Bearer ${stack.apiKey}` },
    });
    const stream = await transport.sendMessages({
      chatId: crypto.randomUUID(),
      messageId: undefined,
      trigger: 'submit-message',
      abortSignal: undefined,
      messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: question }] }],
    });
    const received: { chunk: UIMessageChunk; at: number }[] = [];
    for await (const chunk of stream as unknown as AsyncIterable<UIMessageChunk>) {
      received.push({ chunk, at: performance.now() });
    }
    const emitted =
      stack.services.openai.requests.findLast((request) => request.stream)?.tokenWrites ?? [];
    const deltas = received.filter((item) => item.chunk.type === 'text-delta');
    return {
      received,
      deltas,
      emitted,
      lags: deltas.map((delta, index) => delta.at - (emitted[index] ?? 0)),
    };
  };

  it("streams the answer, read by the AI SDK's chat transport, each token as it is produced", async () => {
    const cold = await streamAnswer('How are path parameters declared?');
    const warm = await streamAnswer('How are path parameters validated?');

    // Each token reaches the client soon after the model stand-in wrote it (one every 40 ms),
    // not with the next one or at the end: nothing between the handler and the client buffers.
    // (Median and count rather than every token, so that one scheduling hiccup on a shared
    // machine does not fail the run; a buffered stream fails both by far.)
    for (const answer of [cold, warm]) {
      const lastEmitted = answer.emitted.at(-1) ?? 0;
      const beforeTheEnd = answer.deltas.filter((delta) => delta.at < lastEmitted);
      const median = [...answer.lags].sort((a, b) => a - b)[Math.floor(answer.lags.length / 2)];
      expect(answer.received.at(-1)?.chunk.type).toBe('finish');
      expect(answer.deltas.length).toBeGreaterThan(3);
      expect(answer.deltas.length).toBe(answer.emitted.length);
      expect(median).toBeLessThan(40);
      expect(beforeTheEnd.length).toBeGreaterThanOrEqual(answer.deltas.length - 2);
    }
  });

  it('deletes the document: vectors, then every raw version (ListObjectsV2, DeleteObjects)', async () => {
    const reply = await api().json('DELETE', `/v1/documents/${documentId}`);

    expect(reply.status, reply.text).toBe(204);
    expect(stack.services.s3.objects.size).toBe(0);
  });

  it('re-drives stale documents on its schedule: a lost job re-queued, a halfway deletion finished, an upload whose event was lost queued', async () => {
    const { db, sqs, s3 } = stack.services;
    const upload = async (title: string) => {
      const reply = await api().json('POST', '/v1/documents', { title, text: DOCUMENT.text });
      return (reply.body as { id: string }).id;
    };
    const lost = await upload('Lost job');
    const halfDeleted = await upload('Deleted halfway');
    // A presigned upload PUT whose S3 event was lost: the reconciler finds the object (HeadObject).
    const uploaded = Buffer.from(DOCUMENT.text);
    const requested = await api().json('POST', '/v1/uploads', {
      fileName: 'lost-event.md',
      contentType: 'text/markdown',
      contentLength: uploaded.length,
    });
    const lostEvent = (requested.body as { id: string }).id;
    s3.objects.set(`${stack.bucketName}/tenants/${stack.tenantId}/uploads/${lostEvent}/v1`, {
      body: uploaded,
      contentType: 'text/markdown',
    });
    sqs.drain(stack.queueUrl); // both jobs lost, as when SQS retention expires in an outage
    const longAgo = '2026-01-01T00:00:00.000Z';
    const age = (id: string, status: string) =>
      db.documentClient.send(
        new UpdateCommand({
          TableName: db.tableName,
          Key: { pk: `TENANT#${stack.tenantId}#DOC#${id}`, sk: 'DOC' },
          UpdateExpression: 'SET #status = :status, updatedAt = :at, gsi2sk = :sk',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':at': longAgo,
            ':sk': `${longAgo}#${stack.tenantId}#${id}`,
          },
        }),
      );
    await age(lost, 'queued');
    await age(halfDeleted, 'deleting');
    await age(lostEvent, 'awaiting-upload');
    const rule = 'arn:aws:events:us-east-1:123456789012:rule/reconcile';

    const result = await running('ReconcilerReconcile').container.invoke(scheduledEvent(rule));

    expect(result.error, result.body.toString()).toBeUndefined();
    expect(JSON.parse(result.body.toString('utf8'))).toMatchObject({ requeued: 2, deleted: 1 });
    expect(
      sqs
        .drain(stack.queueUrl)
        .map((message) => JSON.parse(message.body))
        .sort((a, b) => (a.documentId === lost ? -1 : b.documentId === lost ? 1 : 0)),
    ).toEqual([
      { tenantId: stack.tenantId, documentId: lost, version: 1 },
      { tenantId: stack.tenantId, documentId: lostEvent, version: 1 },
    ]);
    expect([...s3.objects.keys()].filter((key) => key.includes(halfDeleted))).toEqual([]);
    expect((await api().json('GET', `/v1/documents/${halfDeleted}`)).status).toBe(404);
  });

  it('initialised every function once, with nothing but the template environment', () => {
    for (const fn of stack.functions.values()) {
      expect(fn.container.runtimeApi.initErrors, fn.container.logs.join('\n')).toEqual([]);
      expect(fn.container.runtimeApi.violations).toEqual([]);
      expect(fn.container.initCount).toBe(1);
    }
  });
});

describe('a Secrets Manager outage at init', () => {
  it('answers 503 problem+json with Retry-After, then serves once it is back, in the same container', async () => {
    await stack.services.secretsLink.cut();
    const chat = await stack.startContainer('ChatApi');
    const event = () =>
      apiGatewayEvent({
        method: 'POST',
        url: '/v1/chat',
        routeKey: 'POST /v1/chat',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hello?' }),
      });
    try {
      const during = await chat.invoke(event());
      await stack.services.secretsLink.restore();
      const after = await chat.invoke(event());

      const unavailable = JSON.parse(during.body.toString('utf8'));
      expect(unavailable.statusCode, chat.logs.join('\n')).toBe(503);
      expect(unavailable.headers).toMatchObject({
        'content-type': 'application/problem+json',
        'retry-after': expect.stringMatching(/^\d+$/),
      });
      expect(JSON.parse(unavailable.body)).toMatchObject({ status: 503 });
      expect(JSON.parse(after.body.toString('utf8')).statusCode).toBe(200);
      expect(chat.initCount).toBe(1);
    } finally {
      await stack.services.secretsLink.restore();
      await chat.close();
    }
  });

  it('answers the stream with a 503 problem before any stream part, then streams', async () => {
    await stack.services.secretsLink.cut();
    const streamer = await stack.startContainer('StreamingStreamChat');
    const event = () =>
      functionUrlEvent({
        method: 'POST',
        url: '/',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'Hello?' }),
      });
    try {
      const during = await streamer.invoke(event());
      await stack.services.secretsLink.restore();
      const after = await streamer.invoke(event());

      const unavailable = parseFunctionUrlResponse(during.contentType, during.body);
      expect(unavailable.statusCode, streamer.logs.join('\n')).toBe(503);
      expect(unavailable.headers).toMatchObject({
        'content-type': 'application/problem+json',
        'retry-after': expect.stringMatching(/^\d+$/),
      });
      expect(parseFunctionUrlResponse(after.contentType, after.body).statusCode).toBe(200);
      expect(streamer.initCount).toBe(1);
    } finally {
      await stack.services.secretsLink.restore();
      await streamer.close();
    }
  });
});

describe('large files and drop folders: S3 event notifications on the indexing queue', () => {
  const HANDBOOK = Buffer.from(
    '# Handbook\n\nThe escalation desk answers within four hours on weekdays. Refunds above 500 euros need a second approval.',
  );
  const notified = (...bodies: string[]) =>
    running('IngestionIndexer').container.invoke(
      sqsEvent(...bodies.map((body) => sqsRecord(body))),
    );
  const indexQueuedJobs = async () => {
    const jobs = stack.services.sqs.drain(stack.queueUrl);
    const result = await running('IngestionIndexer').container.invoke(
      sqsEvent(...jobs.map((job) => sqsRecord(job.body))),
    );
    expect(JSON.parse(result.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    return jobs;
  };
  /** Uploads `file` as the documents function's multipart form, then indexes what it queued. */
  const uploadedFile = async (file: Blob, fileName: string) => {
    const form = new FormData();
    form.append('file', file, fileName);
    const reply = await fetch(`${stack.apiUrl}/v1/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}` },
      body: form,
    });
    const text = await reply.text();
    await indexQueuedJobs();
    return { status: reply.status, text };
  };
  const s3TestEvent = JSON.stringify({
    Service: 'Amazon S3',
    Event: 's3:TestEvent',
    Time: '2026-01-01T00:00:00.000Z',
    Bucket: 'raw',
    RequestId: 'r',
    HostId: 'h',
  });

  it('presigns a PUT (documents role), takes the file, and indexes it once S3 notifies the queue', async () => {
    const reply = await api().json('POST', '/v1/uploads', {
      fileName: 'handbook.md',
      contentType: 'text/markdown',
      contentLength: HANDBOOK.length,
    });
    expect(reply.status, reply.text).toBe(201);
    const { id, upload } = reply.body as {
      id: string;
      upload: { url: string; headers: Record<string, string> };
    };
    const key = `tenants/${stack.tenantId}/uploads/${id}/v1`;

    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: HANDBOOK });
    const result = await notified(
      s3EventNotification('ObjectCreated:Put', stack.bucketName, key, HANDBOOK.length),
      s3TestEvent,
    );
    const jobs = await indexQueuedJobs();

    expect(put.status).toBe(200);
    expect(JSON.parse(result.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    expect(jobs).toHaveLength(1);
    expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready', version: 1 });
  });

  it('reads a PDF upload with the pdf.js installed beside the documents bundle, then indexes it', async () => {
    const pdf = makePdf([['The escalation desk answers within four hours.'], ['Refunds wait.']]);

    const { status, text } = await uploadedFile(
      new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }),
      'desk.pdf',
    );

    expect(status, text).toBe(202);
    const { id } = JSON.parse(text) as { id: string };
    expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready', chunkCount: 2 });
  });

  it('reads a presigned PDF in the indexer, with the pdf.js installed beside its bundle', async () => {
    const pdf = makePdf([['Refunds above 500 euros need a second approval.'], ['Page two.']]);
    const reply = await api().json('POST', '/v1/uploads', {
      fileName: 'refunds.pdf',
      contentType: 'application/pdf',
      contentLength: pdf.length,
    });
    const { id, upload } = reply.body as {
      id: string;
      upload: { url: string; headers: Record<string, string> };
    };
    const key = `tenants/${stack.tenantId}/uploads/${id}/v1`;

    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: new Uint8Array(pdf),
    });
    await notified(s3EventNotification('ObjectCreated:Put', stack.bucketName, key, pdf.length));
    await indexQueuedJobs();

    expect(put.status).toBe(200);
    expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready', chunkCount: 2 });
  });

  it('reads an HTML upload with the entities installed beside the documents and indexer bundles, decoding its references', async () => {
    const html = '<h1>Caf&eacute; menu</h1><p>Fish &amp; chips &#8211; &euro;5, &copy 2026.</p>';

    const { status, text } = await uploadedFile(
      new Blob([html], { type: 'text/html' }),
      'menu.html',
    );

    expect(status, text).toBe(202);
    const { id } = JSON.parse(text) as { id: string };
    expect(await api().waitForDocument(id)).toMatchObject({ status: 'ready' });
    const chunks = await api().json('GET', `/v1/documents/${id}/chunks`);
    expect((chunks.body as { items: { text: string }[] }).items.map((chunk) => chunk.text)).toEqual(
      ['Café menu\n\nFish & chips – €5, © 2026.'],
    );
  });

  it("refuses the URL moved under another tenant's prefix (403 from S3), storing nothing", async () => {
    const reply = await api().json('POST', '/v1/uploads', {
      fileName: 'moved.md',
      contentType: 'text/markdown',
      contentLength: HANDBOOK.length,
    });
    const { upload } = reply.body as { upload: { url: string; headers: Record<string, string> } };
    const moved = upload.url.replace(`/tenants/${stack.tenantId}/`, '/tenants/someone-else/');

    const put = await fetch(moved, { method: 'PUT', headers: upload.headers, body: HANDBOOK });

    expect(put.status).toBe(403);
    expect([...stack.services.s3.objects.keys()].some((key) => key.includes('someone-else'))).toBe(
      false,
    );
  });

  it('ingests a drop-folder file, then deletes its document when the file is removed', async () => {
    const { s3 } = stack.services;
    const key = `tenants/${stack.tenantId}/inbox/guides/setup.md`;
    s3.objects.set(`${stack.bucketName}/${key}`, { body: HANDBOOK, contentType: 'text/markdown' });

    const created = await notified(
      s3EventNotification('ObjectCreated:Put', stack.bucketName, key, HANDBOOK.length),
    );
    await indexQueuedJobs();
    const listed = await api().json('GET', '/v1/documents?limit=100');
    const document = (
      listed.body as { items: { id: string; title: string; status: string }[] }
    ).items.find((item) => item.title === 'guides/setup.md');
    s3.objects.delete(`${stack.bucketName}/${key}`);
    const removed = await notified(
      s3EventNotification('ObjectRemoved:Delete', stack.bucketName, key),
    );

    expect(JSON.parse(created.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    expect(document).toMatchObject({ status: 'ready' });
    expect(JSON.parse(removed.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    expect((await api().json('GET', `/v1/documents/${document?.id}`)).status).toBe(404);
    expect([...s3.objects.keys()].filter((name) => name.includes(String(document?.id)))).toEqual(
      [],
    );
  });

  it('records a drop-folder file over the limit failed and removes it', async () => {
    const { s3 } = stack.services;
    const key = `tenants/${stack.tenantId}/inbox/huge.md`;
    // The function decides on the object's size as S3 reports it now, not the event's.
    const huge = Buffer.alloc(60 * 1024 * 1024, 'a');
    s3.objects.set(`${stack.bucketName}/${key}`, { body: huge, contentType: 'text/markdown' });

    const result = await notified(
      s3EventNotification('ObjectCreated:Put', stack.bucketName, key, huge.length),
    );

    expect(JSON.parse(result.body.toString('utf8'))).toEqual({ batchItemFailures: [] });
    expect(s3.objects.has(`${stack.bucketName}/${key}`)).toBe(false);
    const listed = await api().json('GET', '/v1/documents?limit=100');
    expect(JSON.stringify(listed.body)).toContain('MAX_PRESIGNED_UPLOAD_BYTES');
  });
});

describe('IAM coverage of the recorded AWS calls', () => {
  it("allows every call a function made under its role's synthesized policy", () => {
    const statements = Object.fromEntries(
      [...stack.functions.entries()].map(([name, fn]) => [name, fn.statements]),
    );
    const ignored = [
      ...RUNTIME_ACTIONS,
      ...ARTIFACT_FUNCTIONS.flatMap((fn) => fn.serviceActions ?? []),
    ];

    const report = checkCoverage(statements, stack.calls, ignored);

    console.log(
      [`IAM coverage: ${stack.calls.length} calls recorded`, ...describeCoverage(report)].join(
        '\n  ',
      ),
    );
    expect(stack.calls.length).toBeGreaterThan(0);
    expect(describeCoverage({ denied: report.denied, unused: [] })).toEqual([]);
  });

  it('uses every action a role grants: least privilege, kept honest', () => {
    const statements = Object.fromEntries(
      [...stack.functions.entries()].map(([name, fn]) => [name, fn.statements]),
    );
    const ignored = [
      ...RUNTIME_ACTIONS,
      ...ARTIFACT_FUNCTIONS.flatMap((fn) => fn.serviceActions ?? []),
    ];

    const report = checkCoverage(statements, stack.calls, ignored);

    expect(describeCoverage({ denied: [], unused: report.unused })).toEqual([]);
  });
});
