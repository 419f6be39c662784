import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import { client, streamParts } from '../support/local-stack-client.js';

const SECRET_TEXT =
  '# Tenant A secrets\n\nThe launch code of tenant A is PELICAN-42. Path parameters are declared with braces.';

describe('tenant isolation (two tenants, the real handlers on dynalite)', () => {
  let stack: LocalStack;
  let dataDir: string;
  let a: ReturnType<typeof client>;
  let b: ReturnType<typeof client>;
  let sessionA: string;
  let documentA: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'isolation-'));
    stack = await startLocalStack({ port: 0, streamPort: 0, dataDir, logLevel: 'SILENT' });
    a = client(stack, await stack.issueApiKey('tenant-a'));
    b = client(stack, await stack.issueApiKey('tenant-b'));
    const upload = await a.json('POST', '/v1/documents', { title: 'Secrets', text: SECRET_TEXT });
    documentA = (upload.body as { id: string }).id;
    await a.waitForDocument(documentA);
    const chat = await a.json('POST', '/v1/chat', { message: 'What is the launch code?' });
    sessionA = (chat.body as { sessionId: string }).sessionId;
  });
  afterAll(async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("gives tenant A its own answer with its document cited (the baseline B's tests compare to)", async () => {
    const reply = await a.json('POST', '/v1/chat', {
      message: 'What is the launch code of tenant A?',
    });

    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).toContain(documentA);
  });

  it("never lists tenant A's sessions to tenant B", async () => {
    const reply = await b.json('GET', '/v1/sessions');

    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toContain(sessionA);
  });

  it.each([
    ['GET', 'read'],
    ['DELETE', 'delete'],
  ])("answers tenant B's %s of tenant A's session with 404, never 403", async (method) => {
    const reply = await b.json(method, `/v1/sessions/${sessionA}`);

    expect(reply.status).toBe(404);
  });

  it("never lists tenant A's documents to tenant B", async () => {
    const reply = await b.json('GET', '/v1/documents');

    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toContain(documentA);
  });

  it.each([['GET'], ['DELETE']])(
    "answers tenant B's %s of tenant A's document with 404",
    async (method) => {
      const reply = await b.json(method, `/v1/documents/${documentA}`);

      expect(reply.status).toBe(404);
    },
  );

  it("never retrieves tenant A's chunks for tenant B's question", async () => {
    const reply = await b.json('POST', '/v1/chat', {
      message: 'What is the launch code of tenant A?',
    });

    expect(reply.status).toBe(200);
    expect(JSON.stringify(reply.body)).not.toContain('PELICAN');
    expect((reply.body as { message: { sources: unknown[] } }).message.sources).toEqual([]);
  });

  it("never streams tenant A's chunks to tenant B", async () => {
    const reply = await b.stream({ message: 'What is the launch code of tenant A?' });

    expect(reply.status).toBe(200);
    expect(streamParts(reply.text).some((part) => part.type === 'source-document')).toBe(false);
    expect(reply.text).not.toContain('PELICAN');
  });

  it("lets tenant B continue a session id of tenant A's only as its own, separate session", async () => {
    await b.stream({ sessionId: sessionA, message: 'Hello from B' });

    const mine = await a.json('GET', `/v1/sessions/${sessionA}`);

    expect(JSON.stringify(mine.body)).not.toContain('Hello from B');
  });

  it("leaves tenant A's records intact after all of tenant B's attempts", async () => {
    const session = await a.json('GET', `/v1/sessions/${sessionA}`);
    const document = await a.json('GET', `/v1/documents/${documentA}`);

    expect(session.status).toBe(200);
    expect(document.status).toBe(200);
    expect((document.body as { status: string }).status).toBe('ready');
  });
});
