import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { installAwsLambdaGlobal } from '../../../dev/lambda-response-stream.js';
import { composeLocalIndexing } from '../../../dev/local-indexing.js';
import {
  functionUrlListener,
  type LocalStreamingHandler,
} from '../../../dev/serve-function-url.js';
import { httpApiListener } from '../../../dev/serve-http-api.js';
import { DynamoDbApiKeyStore } from '../../../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { FilesystemBlobStore } from '../../../lambdas/adapters/local/filesystem-blob-store.js';
import type { InProcessQueue } from '../../../lambdas/adapters/local/in-process-queue.js';
import { composeAi } from '../../../lambdas/composition/ai-components.js';
import { composeChatApi } from '../../../lambdas/composition/chat-api.js';
import { composeDocumentsApi } from '../../../lambdas/composition/documents-api.js';
import { composePublicApi } from '../../../lambdas/composition/public-api.js';
import { loadRuntimeConfig } from '../../../lambdas/composition/runtime-config.js';
import { composeShared } from '../../../lambdas/composition/shared.js';
import { composeStreamChat } from '../../../lambdas/composition/stream-chat.js';
import { issueApiKey } from '../../../lambdas/core/auth/issue-api-key.js';
import { systemClock } from '../../../lambdas/core/ports/clock.js';
import { createHandler as createChatApi } from '../../../lambdas/handlers/chat-api.js';
import { createHandler as createDocumentsApi } from '../../../lambdas/handlers/documents-api.js';
import { createHandler as createPublicApi } from '../../../lambdas/handlers/public-api.js';
import { createHandler as createStreamChat } from '../../../lambdas/handlers/stream-chat.js';
import { type DynaliteHandle, startDynalite } from '../../support/dynalite.js';
import { FakeUploadUrlSigner } from '../../support/fakes/fake-upload-url-signer.js';
import {
  type OpenAiStandIn,
  type OpenAiStandInOptions,
  startOpenAiStandIn,
} from '../../support/openai-stand-in.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

/** Options of {@link startFaultHarness}. */
export interface FaultHarnessOptions {
  /** Runtime configuration on top of the harness's (`OPENAI_TIMEOUT_MS`, …). */
  env?: Record<string, string>;
  openai?: Omit<OpenAiStandInOptions, 'logViolations'>;
  /** Delay before an indexing message is delivered again (default 100 ms). */
  retryDelayMs?: number;
}

/** The whole API, composed as the local stack composes it, over dependencies a test can break. */
export interface FaultHarness {
  apiUrl: string;
  streamUrl: string;
  /** Key of tenant `reliability`. */
  apiKey: string;
  /** Issues a key of another tenant (not yet in any authenticator's cache). */
  issueApiKey(tenantId: string): Promise<string>;
  /** DynamoDB (dynalite behind a relay): `stop()` cuts it off, `start()` brings it back. */
  db: DynaliteHandle;
  openai: OpenAiStandIn;
  qdrant: QdrantStandIn;
  queue: InProcessQueue;
  close(): Promise<void>;
}

const listen = (server: Server) =>
  new Promise<string>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    });
  });

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/**
 * Builds the API from the same compositions and handlers as `dev/local-stack.ts`, but on
 * dependencies the fault tests control: dynalite behind a relay that can be cut
 * (`test/support/dynalite.ts`), the OpenAI and Qdrant stand-ins (faults, outages), and an
 * in-process queue with short retry delays so that retries happen within a test.
 *
 * @example
 * const harness = await startFaultHarness({ env: { OPENAI_TIMEOUT_MS: '500' } });
 * await harness.db.stop(); // DynamoDB is gone
 */
export const startFaultHarness = async (
  options: FaultHarnessOptions = {},
): Promise<FaultHarness> => {
  installAwsLambdaGlobal();
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

  const db = await startDynalite('app-reliability');
  const openai = await startOpenAiStandIn({ dimensions: 64, ...options.openai });
  const qdrant = await startQdrantStandIn();
  const blobDir = mkdtempSync(join(tmpdir(), 'reliability-blobs-'));

  let apiListener: RequestListener = (_, response) => response.writeHead(503).end();
  let streamListener: RequestListener = apiListener;
  const api = createServer((request, response) => apiListener(request, response));
  const stream = createServer((request, response) => streamListener(request, response));
  const apiUrl = await listen(api);
  const streamUrl = await listen(stream);

  const config = loadRuntimeConfig({
    TABLE_NAME: db.tableName,
    DYNAMODB_ENDPOINT: db.endpoint,
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'reliability',
    EMBEDDING_DIMENSIONS: '64',
    QDRANT_URL: qdrant.url,
    ...options.env,
  });
  const logger = new Logger({ serviceName: 'reliability', logLevel: 'SILENT' });
  const shared = composeShared(config, logger);
  const ai = await composeAi(config);
  const blobs = new FilesystemBlobStore(blobDir);
  const retryDelayMs = options.retryDelayMs ?? 100;
  const { queue, adapters } = await composeLocalIndexing(
    config,
    shared,
    { blobs, ai },
    {
      batchWindowMs: 10,
      retryDelayMs: () => retryDelayMs,
    },
  );

  const keyStore = new DynamoDbApiKeyStore(shared.dynamo, config.TABLE_NAME);
  const issue = async (tenantId: string) =>
    (await issueApiKey(keyStore, systemClock, tenantId)).key;
  const apiKey = await issue('reliability');

  apiListener = httpApiListener({
    functions: {
      public: createPublicApi({ ...composePublicApi(config, shared.logger), streamUrl }),
      chat: createChatApi(await composeChatApi(config, shared, ai)),
      documents: createDocumentsApi(
        // Presigned URLs are only signed here; no test of this harness uploads to one.
        await composeDocumentsApi(config, shared, {
          ...adapters,
          uploadUrls: new FakeUploadUrlSigner(),
        }),
      ),
    },
  });
  streamListener = functionUrlListener({
    handler: createStreamChat(
      await composeStreamChat(config, shared, ai),
    ) as unknown as LocalStreamingHandler,
    corsOrigins: [],
    timeoutMs: 60_000,
  });

  return {
    apiUrl,
    streamUrl,
    apiKey,
    issueApiKey: issue,
    db,
    openai,
    qdrant,
    queue,
    close: async () => {
      await Promise.all([closeServer(api), closeServer(stream)]);
      await queue.close();
      shared.dynamo.destroy();
      await db.start();
      await qdrant.setDown(false);
      await Promise.all([db.close(), openai.close(), qdrant.close()]);
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
};
