import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { createAppTable } from '../lambdas/adapters/dynamodb/create-app-table.js';
import { DynamoDbApiKeyStore } from '../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbDocumentStore } from '../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { FilesystemBlobStore } from '../lambdas/adapters/local/filesystem-blob-store.js';
import type { InProcessQueue } from '../lambdas/adapters/local/in-process-queue.js';
import {
  type AiComponents,
  composeAi,
  embeddedStoreOptions,
  embeddingShape,
  flushAi,
} from '../lambdas/composition/ai-components.js';
import { composeChatApi } from '../lambdas/composition/chat-api.js';
import { composeDocumentsApi, documentsBodyLimit } from '../lambdas/composition/documents-api.js';
import { composePublicApi } from '../lambdas/composition/public-api.js';
import { composeReconciler } from '../lambdas/composition/reconciler.js';
import { loadRuntimeConfig, type RuntimeConfig } from '../lambdas/composition/runtime-config.js';
import { composeShared } from '../lambdas/composition/shared.js';
import { composeStreamChat } from '../lambdas/composition/stream-chat.js';
import { issueApiKey } from '../lambdas/core/auth/issue-api-key.js';
import {
  ReindexDocuments,
  type ReindexOutcome,
} from '../lambdas/core/ingestion/reindex-documents.js';
import { systemClock } from '../lambdas/core/ports/clock.js';
import type { DocumentStore } from '../lambdas/core/ports/document-store.js';
import { createHandler as createChatApi } from '../lambdas/handlers/chat-api.js';
import { createHandler as createDocumentsApi } from '../lambdas/handlers/documents-api.js';
import { createHandler as createPublicApi } from '../lambdas/handlers/public-api.js';
import { createHandler as createStreamChat } from '../lambdas/handlers/stream-chat.js';
import { documentTooLarge } from '../lambdas/http/document-too-large.js';
import type { HttpResult } from '../lambdas/http/http-types.js';
import { answerClientErrorsAsProblems } from './client-errors.js';
import { lockDataFolder } from './data-folder-lock.js';
import { startDatabaseThread } from './database-thread.js';
import { ensureDevApiKey } from './dev-api-key.js';
import { devSetting } from './dev-env.js';
import { startFunctionThread } from './function-thread.js';
import { guardRequests, servedHosts } from './guard-requests.js';
import { startInboxWatcher } from './inbox-watcher.js';
import { installAwsLambdaGlobal } from './lambda-response-stream.js';
import {
  DEFAULT_API_PORT,
  DEFAULT_BLOB_PORT,
  DEFAULT_STREAM_PORT,
  localCorsOrigins,
} from './local-defaults.js';
import { composeLocalIndexing, composeThreadedIndexing } from './local-indexing.js';
import {
  DEFAULT_DATA_DIR,
  localEndpointFile,
  LOCAL_TABLE_NAME as TABLE_NAME,
} from './local-paths.js';
import { LocalStackStartError } from './local-stack-start-error.js';
import { localUploadUrlSigner } from './local-upload-url-signer.js';
import { ReadableLogger } from './readable-logger.js';
import { scheduleReconciler } from './reconcile-schedule.js';
import { blobUploadListener } from './serve-blob-uploads.js';
import { functionUrlListener, type LocalStreamingHandler } from './serve-function-url.js';
import { httpApiListener, type LocalHttpFunction } from './serve-http-api.js';
import { serveStaticAssets } from './static-assets.js';
import { startVectorStoreThread } from './vector-store-thread.js';

/** Options of {@link startLocalStack}; every one has an embedded default. */
export interface LocalStackOptions {
  /** HTTP API port (`PORT`, default 4000; 0 picks a free one). */
  port?: number;
  /** Streaming function URL port (`STREAM_PORT`, default 4001; 0 picks a free one). */
  streamPort?: number;
  /**
   * The local S3 endpoint presigned upload URLs point at (`BLOB_PORT`, default 4002, or a free
   * one when `port` is 0; 0 picks a free one).
   */
  blobPort?: number;
  /** Local data: the table, raw uploads, the vector store, the dev key (`DATA_DIR`, default `.data`). */
  dataDir?: string;
  /** Use this key for tenant `local` instead of the saved or a new one (`API_KEY`). */
  apiKey?: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /**
   * Runs the indexer and the documents function in worker threads of their own, as Lambda
   * runs each function in its own sandbox (default true; `FUNCTION_THREADS=false` for
   * `npm run dev`): indexing and bursts of uploads then never hold the thread that serves the
   * other requests.
   */
  functionThreads?: boolean;
  /** Delay between the offline model's streamed words, to watch streaming (default 0). */
  offlineTokenDelayMs?: number;
  /** Extra environment, on top of `process.env` (tests point OpenAI or Qdrant elsewhere with it). */
  env?: Record<string, string>;
  /**
   * How long a client may take to send a request's headers (default 10 s) and the whole request
   * (default 60 s) before the connection is closed, so slow or stalled clients cannot hold
   * connections open forever.
   */
  clientTimeouts?: { headersMs?: number; requestMs?: number };
}

/** A running local stack. */
export interface LocalStack {
  apiUrl: string;
  streamUrl: string;
  /** The local S3 endpoint of presigned uploads. */
  blobUrl: string;
  /** The drop folders: `<inboxDir>/<tenantId>/…` is ingested as `tenants/<tenantId>/inbox/…`. */
  inboxDir: string;
  /** Compares the drop folders with their copies now (the watcher also does on its own). */
  rescanInbox(): Promise<void>;
  apiKey: string;
  dataDir: string;
  provider: AiComponents['provider'];
  vectorStore: 'qdrant' | 'embedded';
  /** The dense side's score floor chat retrieves with (`RETRIEVAL_MIN_SCORE`, 0.1 offline). */
  retrievalMinScore: number;
  /** Browser origins allowed to call the HTTP API and the stream URL (CORS). */
  corsOrigins: readonly string[];
  /** The embedder and vector store the stack answers with (the evaluation harness queries them). */
  ai: Pick<AiComponents, 'embedder' | 'vectorStore'>;
  queue: InProcessQueue;
  /** The documents' records, on the stack's table (what `npm run reindex` checks at the end). */
  documents: DocumentStore;
  /**
   * Re-queues every document of every tenant (or one) to the stack's indexer
   * (`npm run reindex`); `queue.idle()` resolves once they are indexed again.
   */
  reindex(options?: { tenantId?: string }): Promise<ReindexOutcome>;
  /** Issues an API key for another tenant (tests of tenant isolation, demos). */
  issueApiKey(tenantId: string): Promise<string>;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) =>
  new Promise<number>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen((server.address() as AddressInfo).port));
  });

/** Listens on one of the stack's ports, or says in one line which port is taken and what to do. */
const listenOn = async (
  server: Server,
  port: number,
  variable: 'PORT' | 'STREAM_PORT' | 'BLOB_PORT',
  /** All three ports moved, so that one try suffices (`PORT=4100 STREAM_PORT=4101 …`). */
  movedPorts: string,
) => {
  try {
    return await listen(server, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_SOCKET_BAD_PORT') {
      throw new LocalStackStartError(
        `${variable} must be a port number from 0 to 65535; got ${String(port)}`,
        { cause: error },
      );
    }
    if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
    throw new LocalStackStartError(
      `Port ${port} (${variable}) is ${code === 'EACCES' ? 'not allowed' : 'in use by another program (another npm run dev?)'}. Pick other ports: ${movedPorts} npm run dev`,
      { cause: error },
    );
  }
};

/**
 * A server whose every request goes through {@link guardRequests} (served host names only, no
 * crash from a failing listener) to the listener `current()` returns, or a 503 before there is
 * one; slow clients are cut off after the given timeouts; what Node refuses itself (a request
 * it cannot parse, headers over its limit) is a problem document too.
 */
const createGuardedServer = (
  current: () => RequestListener | undefined,
  timeouts: LocalStackOptions['clientTimeouts'] = {},
) => {
  let hosts: ReadonlySet<string> = new Set();
  const unavailable: RequestListener = (_, response) => {
    response.writeHead(503).end();
  };
  const headersTimeout = timeouts.headersMs ?? 10_000;
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(headersTimeout, timeouts.requestMs ?? 60_000),
      // How often Node checks those timeouts (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    guardRequests({
      hosts: () => hosts,
      listener: (request, response) => (current() ?? unavailable)(request, response),
    }),
  );
  answerClientErrorsAsProblems(server);
  server.on('listening', () => {
    hosts = servedHosts((server.address() as AddressInfo).port);
  });
  return server;
};

const closeServer = (server: Server) =>
  new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  });

/**
 * Starts the database in its thread on the data folder (crash-atomic: an item with its index
 * entries, a transaction with all its items, since a local stack is often stopped by killing
 * it) and creates the table.
 */
const startDatabase = async (dataDir: string) => {
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const thread = await startDatabaseThread({ dataDir });
  const client = new DynamoDBClient({ endpoint: thread.endpoint });
  try {
    await createAppTable(client, TABLE_NAME);
  } catch (error) {
    await thread.close();
    throw error;
  } finally {
    client.destroy();
  }
  writeFileSync(localEndpointFile(dataDir), `${thread.endpoint}\n`);
  return {
    endpoint: thread.endpoint,
    close: async () => {
      rmSync(localEndpointFile(dataDir), { force: true });
      await thread.close();
    },
  };
};

/** Environment defaults of the local stack, below whatever the user's environment sets. */
const LOCAL_DEFAULTS: Record<string, string> = {
  API_KEY_CACHE_TTL_SECONDS: '5',
  // The in-process queue retries within 30 s and times a batch out after 60 s.
  RECONCILE_STALE_AFTER_SECONDS: '120',
  // dynalite runs in this process on one thread: under a burst (a hundred streams resuming
  // at once) it answers late, not never, so a request is given the API's whole time budget.
  AWS_REQUEST_TIMEOUT_MS: '25000',
  // Limits stay on (counted, headers sent) but generous: benches, evals and load tests run here.
  TENANT_REQUESTS_PER_MINUTE: '100000',
  TENANT_TOKENS_PER_DAY: '1000000000',
  TENANT_CONCURRENT_STREAMS: '1000',
  TENANT_CONCURRENT_FOLLOWERS: '1000',
};

/** The local bucket's name in presigned URLs and event notifications. */
const LOCAL_BUCKET = 'local';

/** How often the local stack looks for stale documents (the deployed schedule's rate, shortened). */
const RECONCILE_INTERVAL_MS = 60_000;

/** Defaults that suit the offline provider: its hashed-feature scores run lower than OpenAI's. */
const OFFLINE_DEFAULTS: Record<string, string> = {
  RETRIEVAL_MIN_SCORE: '0.1',
};

/** The secret kept in `file`, made (32 random bytes, readable by its owner only) the first time. */
const keptSecret = (file: string): string => {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
};

/**
 * The configuration, or a one-line error naming each setting that is wrong and why (not the
 * validation's whole report and a stack trace).
 */
const settingsOrStartError = (load: () => RuntimeConfig): RuntimeConfig => {
  try {
    return load();
  } catch (error) {
    const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    if (!issues) throw error;
    const wrong = issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
    throw new LocalStackStartError(`Invalid settings: ${wrong.join('; ')}`, { cause: error });
  }
};

const localConfig = (
  options: LocalStackOptions,
  endpoint: string,
  corsOrigins: string,
): RuntimeConfig => {
  // A variable set to nothing keeps the local default, not the functions' one.
  const given = (env: Record<string, string | undefined> = {}) =>
    Object.fromEntries(
      Object.keys(env).flatMap((name) => {
        const value = devSetting(env, name);
        return value === undefined ? [] : [[name, value]];
      }),
    );
  const base = { ...LOCAL_DEFAULTS, ...given(process.env), ...given(options.env) };
  const offline = !base.OPENAI_API_KEY && !base.OPENAI_BASE_URL;
  return loadRuntimeConfig({
    ...(offline ? OFFLINE_DEFAULTS : {}),
    ...base,
    TABLE_NAME,
    DYNAMODB_ENDPOINT: endpoint,
    CORS_ORIGINS: corsOrigins,
    ...(options.offlineTokenDelayMs !== undefined
      ? { OFFLINE_TOKEN_DELAY_MS: String(options.offlineTokenDelayMs) }
      : {}),
  });
};

/**
 * Starts the whole API on this machine with embedded defaults and no AWS account, Docker or
 * network: dynalite with its data under `dataDir`, the filesystem blob store, the in-process
 * queue delivering real `SQSEvent` batches to the indexer, the embedded vector store (or Qdrant
 * with `QDRANT_URL`), the offline model (or OpenAI with `OPENAI_API_KEY`/`OPENAI_BASE_URL`), and
 * the same handlers the Lambda functions run, behind servers that build real API Gateway v2
 * and function URL events.
 *
 * @example
 * const stack = await startLocalStack({ port: 4000, streamPort: 4001 });
 * console.log(stack.apiUrl, stack.streamUrl, stack.apiKey);
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  installAwsLambdaGlobal();
  // The AWS SDK reads these; dynalite accepts any credentials.
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new LocalStackStartError(
      `Cannot use ${dataDir} as the data folder (${(error as NodeJS.ErrnoException).code}): give DATA_DIR a folder you can write`,
      { cause: error },
    );
  }
  const lock = await lockDataFolder(dataDir);
  let database: Awaited<ReturnType<typeof startDatabase>>;
  try {
    database = await startDatabase(dataDir);
  } catch (error) {
    await lock.release();
    throw error;
  }

  // The servers listen first (ports are part of the configuration: CORS origins, the docs'
  // stream URL); their listeners are set once every function is composed.
  let apiListener: RequestListener | undefined;
  let streamListener: RequestListener | undefined;
  let blobListener: RequestListener | undefined;
  const api = createGuardedServer(() => apiListener, options.clientTimeouts);
  const stream = createGuardedServer(() => streamListener, options.clientTimeouts);
  const blob = createGuardedServer(() => blobListener, options.clientTimeouts);
  // Nothing of a failed start may stay behind: no listening port, no endpoint file, no lock.
  const abandon = async () => {
    await Promise.all([api, stream, blob].filter((server) => server.listening).map(closeServer));
    await database.close();
    await lock.release();
  };
  let apiPort: number;
  let streamPort: number;
  let blobPort: number;
  try {
    const wanted = {
      PORT: options.port ?? DEFAULT_API_PORT,
      STREAM_PORT: options.streamPort ?? DEFAULT_STREAM_PORT,
      // A stack on a free API port (tests) takes a free upload port too.
      BLOB_PORT: options.blobPort ?? (options.port === 0 ? 0 : DEFAULT_BLOB_PORT),
    };
    const moved = Object.entries(wanted)
      .map(([variable, port]) => `${variable}=${port === 0 ? 0 : port + 100}`)
      .join(' ');
    apiPort = await listenOn(api, wanted.PORT, 'PORT', moved);
    streamPort = await listenOn(stream, wanted.STREAM_PORT, 'STREAM_PORT', moved);
    blobPort = await listenOn(blob, wanted.BLOB_PORT, 'BLOB_PORT', moved);
  } catch (error) {
    await abandon();
    throw error;
  }
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const streamUrl = `http://127.0.0.1:${streamPort}`;
  const blobUrl = `http://127.0.0.1:${blobPort}`;
  const corsOrigins = localCorsOrigins(
    apiPort,
    devSetting(options.env ?? process.env, 'CORS_ORIGINS'),
  ).join(',');
  let config: RuntimeConfig;
  try {
    config = settingsOrStartError(() => localConfig(options, database.endpoint, corsOrigins));
  } catch (error) {
    await abandon();
    throw error;
  }

  const logLevel = options.logLevel ?? 'WARN';
  const threaded = options.functionThreads !== false;
  const logger = new ReadableLogger({ serviceName: 'rag-api-local', logLevel });
  const shared = composeShared(config, logger);
  // The embedded vector store runs in a thread of its own (as Qdrant, when used, runs apart),
  // loading while the indexer's thread starts.
  const vectorThread = config.QDRANT_URL
    ? undefined
    : startVectorStoreThread({ store: embeddedStoreOptions(embeddingShape(config), dataDir) });
  const ai = await composeAi(config, {
    dataDir,
    ...(vectorThread ? { vectorStore: vectorThread.store } : {}),
  });
  const blobs = new FilesystemBlobStore(join(dataDir, 'blobs'));
  // Housekeeping of uploads a stopped stack was writing: never worth failing the start for.
  await blobs
    .removeLeftoverTemporaries()
    .catch((error: unknown) =>
      logger.warn('leftover temporary uploads were not removed', { error: error as Error }),
    );
  const onBatchError = (error: unknown) =>
    logger.error('indexing batch failed', { error: error as Error });
  const indexing = !threaded
    ? await composeLocalIndexing(config, shared, { blobs, ai }, { onBatchError })
    : await composeThreadedIndexing(
        config,
        { blobs, ai, ...(vectorThread ? { vectorsPort: vectorThread.connect() } : {}) },
        join(dataDir, 'blobs'),
        logLevel,
        { onBatchError },
      );
  const { queue, adapters } = indexing;
  await vectorThread?.ready;

  // Nothing can be in flight in a process that just started: whatever is pending was left by
  // the previous one (its in-process queue is gone), so it is re-driven at once.
  const restart = await composeReconciler(config, shared, adapters, {
    staleAfterSeconds: 0,
    bulkPatienceSeconds: 0,
    maxRequeues: Number.POSITIVE_INFINITY,
  });
  await restart.reconcile.execute();
  const { reconcile } = await composeReconciler(config, shared, adapters);
  const reconciling = scheduleReconciler({
    run: (signal) => reconcile.execute({ signal }),
    intervalMs: RECONCILE_INTERVAL_MS,
    logger,
  });

  const keyFile = join(dataDir, 'dev-api-key');
  const savedKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
  const keyStore = new DynamoDbApiKeyStore(shared.dynamo, TABLE_NAME);
  const apiKey = await ensureDevApiKey(keyStore, options.apiKey ?? savedKey);
  if (!options.apiKey) writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });

  const publicDeps = composePublicApi(config, shared.logger);
  const publicApi = createPublicApi({
    ...publicDeps,
    // The deep check also covers what the local stack runs in-process: the model and the
    // embedded vector store (Qdrant, when used, is probed by the composition already).
    probes: {
      ...publicDeps.probes,
      model: async (signal) => {
        await ai.embedder.embed(['health check'], { signal });
      },
      ...(config.QDRANT_URL ? {} : { vectors: () => ai.vectorStore.ping() }),
    },
    docsAssetsUrl: '/docs/assets',
    streamUrl,
  });
  const chatDeps = await composeChatApi(config, shared, ai);
  // Presigned uploads go to the stack's own S3 endpoint, signed with a secret kept in the data
  // folder, so a URL stays good for its whole validity across restarts, as S3's would.
  const uploadCredentials = {
    accessKeyId: 'local-uploads',
    secretAccessKey: keptSecret(join(dataDir, 'upload-signing-secret')),
  };
  const uploadSigning = {
    endpoint: blobUrl,
    bucket: LOCAL_BUCKET,
    credentials: uploadCredentials,
  };
  const documentsThread = threaded
    ? await startFunctionThread<APIGatewayProxyEventV2, HttpResult>(
        new URL('./documents-thread-main.ts', import.meta.url),
        'documents-api',
        { config, blobsDir: join(dataDir, 'blobs'), logLevel, uploads: uploadSigning },
        vectorThread?.connect() ?? ai.vectorStore,
        queue,
      )
    : undefined;
  const documents: LocalHttpFunction =
    documentsThread?.handler ??
    createDocumentsApi(
      await composeDocumentsApi(config, shared, {
        ...adapters,
        uploadUrls: localUploadUrlSigner(uploadSigning),
      }),
    );
  blobListener = blobUploadListener({
    bucket: LOCAL_BUCKET,
    credentials: uploadCredentials,
    blobs,
    maxBytes: config.MAX_PRESIGNED_UPLOAD_BYTES,
    notify: (body) => queue.send(body),
    corsOrigins: config.CORS_ORIGINS,
  });
  const inboxDir = join(dataDir, 'inbox');
  const inbox = await startInboxWatcher({
    inboxDir,
    blobs,
    bucket: LOCAL_BUCKET,
    notify: (body) => queue.send(body),
    rescanMs: config.INBOX_RESCAN_MS,
    warn: (message) => logger.warn(message),
  });
  const streamDeps = await composeStreamChat(config, shared, ai);
  apiListener = httpApiListener({
    functions: {
      public: publicApi,
      chat: createChatApi(chatDeps),
      documents,
    },
    maxBodyBytes: {
      public: shared.http.maxBodyBytes,
      chat: chatDeps.http.maxBodyBytes,
      documents: documentsBodyLimit(config, shared.http.maxBodyBytes),
    },
    bodyTooLarge: { documents: () => documentTooLarge(config.MAX_UPLOAD_BYTES) },
    extra: serveStaticAssets({ config: { streamUrl, apiKey } }),
    corsOrigins: config.CORS_ORIGINS,
  });
  streamListener = functionUrlListener({
    handler: createStreamChat(streamDeps) as unknown as LocalStreamingHandler,
    corsOrigins: config.CORS_ORIGINS,
    timeoutMs: 300_000,
    maxBodyBytes: streamDeps.maxBodyBytes,
  });

  const documentStore = new DynamoDbDocumentStore(shared.dynamo, TABLE_NAME);
  return {
    apiUrl,
    streamUrl,
    blobUrl,
    inboxDir,
    rescanInbox: () => inbox.rescan(),
    apiKey,
    dataDir,
    provider: ai.provider,
    vectorStore: config.QDRANT_URL ? 'qdrant' : 'embedded',
    retrievalMinScore: config.RETRIEVAL_MIN_SCORE,
    corsOrigins: config.CORS_ORIGINS,
    ai,
    queue,
    documents: documentStore,
    reindex: (reindexOptions) =>
      new ReindexDocuments({
        documents: documentStore,
        apiKeys: keyStore,
        blobs,
        queue,
        clock: systemClock,
      }).execute(reindexOptions),
    issueApiKey: async (tenantId) => (await issueApiKey(keyStore, systemClock, tenantId)).key,
    close: async () => {
      // A run in flight writes to the table, the bucket and the queue: it ends before they close.
      await reconciling.close();
      await inbox.close();
      await Promise.all([closeServer(api), closeServer(stream), closeServer(blob)]);
      await documentsThread?.close();
      await indexing.close();
      await flushAi(ai);
      await vectorThread?.close();
      shared.dynamo.destroy();
      await database.close();
      await lock.release();
    },
  };
};
