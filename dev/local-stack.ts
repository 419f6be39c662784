import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createAppTable } from '../lambdas/adapters/dynamodb/create-app-table.js';
import { DynamoDbApiKeyStore } from '../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { composePublicApi } from '../lambdas/composition/public-api.js';
import { loadRuntimeConfig } from '../lambdas/composition/runtime-config.js';
import { composeShared } from '../lambdas/composition/shared.js';
import { createHandler as createPublicApi } from '../lambdas/handlers/public-api.js';
import { ensureDevApiKey } from './dev-api-key.js';
import { localEndpointFile, LOCAL_TABLE_NAME as TABLE_NAME } from './local-paths.js';
import { serveHttpApi } from './serve-http-api.js';

/** Options of {@link startLocalStack}; every one has an embedded default. */
export interface LocalStackOptions {
  port?: number;
  dataDir?: string;
  /** Use this key for tenant `local` instead of creating one. */
  apiKey?: string;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** A running local stack. */
export interface LocalStack {
  apiUrl: string;
  apiKey: string;
  dataDir: string;
  close(): Promise<void>;
}

const listen = (server: Server, port: number) =>
  new Promise<number>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen((server.address() as AddressInfo).port));
  });

/**
 * Starts the whole API on this machine with embedded defaults: dynalite with its data under
 * `dataDir`, and the same handlers the Lambda functions run, behind a server that builds real
 * API Gateway v2 events. Port 0 picks a free port (tests).
 *
 * @example
 * const stack = await startLocalStack({ port: 3000 });
 * console.log(stack.apiUrl, stack.apiKey);
 */
export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const dataDir = resolve(options.dataDir ?? '.data');
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const db = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  const dbPort = await listen(db, 0);
  const endpoint = `http://127.0.0.1:${dbPort}`;
  // The AWS SDK reads these; dynalite accepts any credentials.
  process.env.AWS_REGION ??= 'local';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const config = loadRuntimeConfig({
    ...process.env,
    TABLE_NAME,
    DYNAMODB_ENDPOINT: endpoint,
    API_KEY_CACHE_TTL_SECONDS: process.env.API_KEY_CACHE_TTL_SECONDS ?? '5',
  });
  writeFileSync(localEndpointFile(dataDir), `${endpoint}\n`);
  const dbClient = new DynamoDBClient({ endpoint });
  await createAppTable(dbClient, TABLE_NAME);
  dbClient.destroy();

  const logger = new Logger({
    serviceName: 'rag-api-local',
    logLevel: options.logLevel ?? 'WARN',
  });
  const shared = composeShared(config, logger);
  // The development key is kept beside the data, so it survives restarts like the data does.
  const keyFile = join(dataDir, 'dev-api-key');
  const savedKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined;
  const apiKey = await ensureDevApiKey(
    new DynamoDbApiKeyStore(shared.dynamo, TABLE_NAME),
    options.apiKey ?? savedKey,
  );
  if (!options.apiKey) writeFileSync(keyFile, `${apiKey}\n`, { mode: 0o600 });
  const api = serveHttpApi({
    functions: { public: createPublicApi(composePublicApi(config, shared)) },
  });
  const apiPort = await listen(api, options.port ?? 3000);

  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    apiKey,
    dataDir,
    close: async () => {
      api.closeAllConnections();
      await new Promise<void>((done) => api.close(() => done()));
      shared.dynamo.destroy();
      rmSync(localEndpointFile(dataDir), { force: true });
      await new Promise<void>((done) => db.close(() => done()));
    },
  };
};
