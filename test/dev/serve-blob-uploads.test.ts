import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localUploadUrlSigner } from '../../dev/local-upload-url-signer.js';
import { blobUploadListener } from '../../dev/serve-blob-uploads.js';
import { FakeBlobStore } from '../support/fakes/fake-blob-store.js';

const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local-secret' };
const ORIGIN = 'http://localhost:4000';
const KEY = 'tenants/acme/uploads/doc/v1';
const FIRST = Buffer.from('# Handbook\n\nThe desk answers within four hours.');
const SECOND = Buffer.from('# Handbook\n\nThe desk answers within FIVE hours.');

/** A blob store whose writes wait until `release` is called. */
class HeldBlobStore extends FakeBlobStore {
  #held = Promise.withResolvers<void>();
  #entered = Promise.withResolvers<void>();
  /** Resolves once a write has begun. */
  readonly writing = this.#entered.promise;

  override async put(key: string, body: Buffer, contentType: string): Promise<void> {
    this.#entered.resolve();
    await this.#held.promise;
    await super.put(key, body, contentType);
  }

  release(): void {
    this.#held.resolve();
  }
}

let server: Server;
let endpoint: string;
let notifications: string[];

const start = async (blobs: FakeBlobStore) => {
  notifications = [];
  server = createServer(
    blobUploadListener({
      bucket: 'local',
      credentials: CREDENTIALS,
      blobs,
      maxBytes: 1_000,
      notify: (body) => notifications.push(body),
      corsOrigins: [ORIGIN],
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

const presign = () =>
  localUploadUrlSigner({ endpoint, bucket: 'local', credentials: CREDENTIALS }).presignPut({
    key: KEY,
    contentType: 'text/markdown',
    contentLength: FIRST.length,
    expiresInSeconds: 900,
  });

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('blobUploadListener', () => {
  describe('with a blob store that writes at once', () => {
    let blobs: FakeBlobStore;
    beforeEach(async () => {
      blobs = new FakeBlobStore();
      await start(blobs);
    });

    it('stores the PUT of an upload URL and notifies the queue once', async () => {
      const upload = await presign();

      const response = await fetch(upload.url, {
        method: upload.method,
        headers: upload.headers,
        body: FIRST,
      });

      expect(response.status).toBe(200);
      expect(blobs.objects.get(KEY)?.body).toEqual(FIRST);
      expect(notifications).toHaveLength(1);
    });

    it('refuses a second PUT with the same URL with 412 PreconditionFailed, the object unchanged', async () => {
      const upload = await presign();
      const send = (body: typeof FIRST) =>
        fetch(upload.url, { method: upload.method, headers: upload.headers, body });
      await send(FIRST);

      const second = await send(SECOND);

      expect(second.status).toBe(412);
      expect(await second.text()).toContain('<Code>PreconditionFailed</Code>');
      expect(blobs.objects.get(KEY)?.body).toEqual(FIRST);
      expect(notifications).toHaveLength(1);
    });

    it('refuses a PUT without the signed if-none-match with 403, storing nothing', async () => {
      const upload = await presign();
      const { 'if-none-match': _, ...unconditional } = upload.headers;

      const response = await fetch(upload.url, {
        method: 'PUT',
        headers: unconditional,
        body: FIRST,
      });

      expect(response.status).toBe(403);
      expect(await response.text()).toContain('SignatureDoesNotMatch');
      expect(blobs.objects.has(KEY)).toBe(false);
      expect(notifications).toHaveLength(0);
    });

    it('allows a browser to send if-none-match in its preflight', async () => {
      const preflight = await fetch(`${endpoint}/local/${KEY}`, {
        method: 'OPTIONS',
        headers: {
          origin: ORIGIN,
          'access-control-request-method': 'PUT',
          'access-control-request-headers': 'content-type,if-none-match',
        },
      });

      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('if-none-match');
    });
  });

  it('refuses a PUT to a key another PUT is writing with 409 ConditionalRequestConflict', async () => {
    const blobs = new HeldBlobStore();
    await start(blobs);
    const upload = await presign();
    const send = (body: typeof FIRST) =>
      fetch(upload.url, {
        method: upload.method,
        headers: upload.headers,
        body,
        signal: AbortSignal.timeout(5_000),
      });
    const first = send(FIRST);
    await blobs.writing;

    const second = await send(SECOND).finally(() => blobs.release());

    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
    expect(blobs.objects.get(KEY)?.body).toEqual(FIRST);
  });
});
