/**
 * What the documents function answers to unusual uploads, against the OpenAPI
 * document it publishes and the unchanged-upload contract.
 */
import { describe, expect, it } from 'vitest';
import { apiGatewayEvent } from '../../../dev/http-events.js';
import type { UploadDocument } from '../../../lambdas/core/ingestion/upload-document.js';
import { createHandler } from '../../../lambdas/handlers/documents-api.js';
import { buildOpenApiTemplate } from '../../../lambdas/http/openapi-document.js';
import { testHttpOptions } from '../../support/http-deps.js';
import { ingestionFixture } from '../../support/ingestion-fixture.js';
import { lambdaContext } from '../../support/lambda-context.js';

const MAX_UPLOAD_BYTES = 2_000;

const setup = (uploadDocument?: UploadDocument) => {
  const fixture = ingestionFixture({ maxUploadBytes: MAX_UPLOAD_BYTES });
  const handler = createHandler({
    http: testHttpOptions({ 'key-a': 'tenant-a' }, { maxBodyBytes: 10_000 }),
    documents: fixture.documents,
    uploadDocument: uploadDocument ?? fixture.upload,
    requestUpload: fixture.requestUpload,
    deleteDocument: fixture.deleteDocument,
    chunks: fixture.vectors,
    maxUploadBytes: MAX_UPLOAD_BYTES,
    budgetMarginMs: 1_000,
  });
  const postRaw = async (body: string, timeoutMs = 30_000) => {
    const reply = await handler(
      apiGatewayEvent({
        method: 'POST',
        url: '/v1/documents',
        routeKey: 'POST /v1/documents',
        headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
        body,
      }),
      lambdaContext({ timeoutMs }),
    );
    return { ...reply, json: reply.body ? JSON.parse(reply.body) : undefined };
  };
  return { ...fixture, postRaw };
};

describe('POST /v1/documents: unusual requests', () => {
  it('lists in the OpenAPI document the 504 it answers when the time budget runs out', async () => {
    // An upload whose storage never answers (S3 or DynamoDB hanging).
    const hanging = { execute: () => new Promise<never>(() => {}) } as unknown as UploadDocument;
    const { postRaw } = setup(hanging);

    const reply = await postRaw(
      JSON.stringify({ title: 'Guide', text: '# Guide\n\nRetries absorb transient faults.' }),
      1_200,
    );
    expect(reply.statusCode).toBe(504);

    const documented = (
      buildOpenApiTemplate().paths as Record<string, { post: { responses: object } }>
    )['/v1/documents']!.post.responses;
    expect(Object.keys(documented)).toContain('504');
  });

  it('answers 200 unchanged for a re-upload whose metadata lists the same entries in another order', async () => {
    const { postRaw, queue } = setup();
    const first = await postRaw(
      JSON.stringify({
        title: 'Guide',
        text: '# Guide\n\nRetries absorb transient faults.',
        metadata: { team: 'a', lang: 'en' },
      }),
    );
    expect(first.statusCode).toBe(202);

    // A JSON object is an unordered collection (RFC 8259 §4): this is the same metadata.
    const again = await postRaw(
      JSON.stringify({
        title: 'Guide',
        text: '# Guide\n\nRetries absorb transient faults.',
        metadata: { lang: 'en', team: 'a' },
      }),
    );

    expect(again.statusCode).toBe(200);
    expect(again.json).toMatchObject({ version: 1, unchanged: true });
    expect(queue.jobs).toHaveLength(1);
  });

  it('refuses a title holding a lone surrogate with a 400, storing nothing', async () => {
    const { postRaw, documents } = setup();

    // `\udc00` is a JSON escape: valid JSON, not text. Stored as UTF-8 it becomes U+FFFD, so
    // "Plan \udc00" and "Plan \ud800" would name one document.
    const reply = await postRaw('{"title":"Plan \\udc00","text":"# Plan\\n\\nShip in May."}');

    expect(reply.statusCode).toBe(400);
    expect(reply.json.detail).toMatch(/lone surrogate/);
    expect((await documents.list('tenant-a', { limit: 10 })).items).toEqual([]);
  });

  it('refuses a body that names the same member twice with a 400, instead of taking the last title', async () => {
    const { postRaw, documents } = setup();

    const reply = await postRaw(
      '{"title":"Public notes","text":"# Notes\\n\\nQuarterly figures.","title":"Payroll"}',
    );

    expect(reply.statusCode).toBe(400);
    expect(reply.json.detail).toContain('"title" twice');
    expect((await documents.list('tenant-a', { limit: 10 })).items).toEqual([]);
  });
});
