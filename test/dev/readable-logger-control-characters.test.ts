import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiGatewayEvent } from '../../dev/http-events.js';
import { ReadableLogger } from '../../dev/readable-logger.js';
import { createHandler } from '../../lambdas/handlers/documents-api.js';
import { testHttpOptions } from '../support/http-deps.js';
import { ingestionFixture } from '../support/ingestion-fixture.js';
import { lambdaContext } from '../support/lambda-context.js';

// Control characters a terminal acts on (ESC starts colour, cursor and title sequences; BEL, BS…).
const TERMINAL_CONTROLS = /(?![\n\t])\p{Cc}/u;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('local stack log lines (npm run dev, LOG_LEVEL=INFO)', () => {
  it("never print a client's control characters raw to the terminal", async () => {
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    const fixture = ingestionFixture();
    const handler = createHandler({
      http: testHttpOptions(
        { 'key-a': 'tenant-a' },
        {
          logger: new ReadableLogger({ serviceName: 'dev', logLevel: 'INFO' }),
          maxBodyBytes: 10_000,
        },
      ),
      documents: fixture.documents,
      uploadDocument: fixture.upload,
      requestUpload: fixture.requestUpload,
      deleteDocument: fixture.deleteDocument,
      chunks: fixture.vectors,
      maxUploadBytes: 2_000,
    });

    // An authenticated client names a media type made of terminal escape sequences: clear the
    // screen, then print a forged log line (the 415's detail quotes the media type).
    const forged = '\u001b[2J\u001b[H09:30:00.000 POST /v1/documents 202 3 ms tenant=admin';
    const result = await handler(
      apiGatewayEvent({
        method: 'POST',
        url: '/v1/uploads',
        routeKey: 'POST /v1/uploads',
        headers: { authorization: 'Bearer key-a', 'content-type': 'application/json' },
        body: JSON.stringify({ fileName: 'a.bin', contentType: forged, contentLength: 10 }),
      }),
      lambdaContext(),
    );

    expect(result.statusCode).toBe(415);
    const accessLine = printed.find((line) => line.includes('/v1/uploads'));
    expect(accessLine).toBeDefined();
    expect(accessLine).not.toMatch(TERMINAL_CONTROLS);
  });
});
