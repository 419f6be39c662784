import './load-env-file.js';
import { devLogLevel, devNumber, devSetting } from './dev-env.js';
import {
  DEFAULT_API_PORT,
  DEFAULT_BLOB_PORT,
  DEFAULT_DEV_TOKEN_DELAY_MS,
  DEFAULT_STREAM_PORT,
} from './local-defaults.js';
import { dataDirOf } from './local-paths.js';
import { startLocalStack } from './local-stack.js';
import { LocalStackStartError } from './local-stack-start-error.js';

const started = performance.now();
const env = process.env;
const stack = await Promise.resolve()
  .then(() =>
    startLocalStack({
      port: devNumber(env, 'PORT', DEFAULT_API_PORT),
      streamPort: devNumber(env, 'STREAM_PORT', DEFAULT_STREAM_PORT),
      blobPort: devNumber(env, 'BLOB_PORT', DEFAULT_BLOB_PORT),
      dataDir: dataDirOf(env),
      ...(devSetting(env, 'API_KEY') ? { apiKey: devSetting(env, 'API_KEY') } : {}),
      offlineTokenDelayMs: devNumber(env, 'OFFLINE_TOKEN_DELAY_MS', DEFAULT_DEV_TOKEN_DELAY_MS),
      // INFO: one line per request (method, path, status, ms, tenant) and the indexer's progress.
      logLevel: devLogLevel(env),
      functionThreads: env.FUNCTION_THREADS !== 'false',
    }),
  )
  .catch((error: unknown) => {
    if (!(error instanceof LocalStackStartError)) throw error;
    process.stderr.write(`\n  npm run dev: ${error.message}\n\n`);
    process.exit(1);
  });

const model =
  stack.provider === 'offline'
    ? 'offline (extractive answers, hashed-feature embeddings; set OPENAI_API_KEY or OPENAI_BASE_URL for a real model)'
    : `OpenAI-compatible (${process.env.OPENAI_BASE_URL ?? 'api.openai.com'})`;
process.stdout.write(
  [
    '',
    `  RAG API: local stack, ready in ${Math.round(performance.now() - started)} ms`,
    '',
    `  Playground    ${stack.apiUrl}/`,
    `  HTTP API      ${stack.apiUrl}        (docs: ${stack.apiUrl}/docs)`,
    `  Stream URL    ${stack.streamUrl}`,
    `  Uploads       ${stack.blobUrl}   (presigned PUTs of POST /v1/uploads)`,
    `  Drop folder   ${stack.inboxDir}/<tenant>/   (files are ingested, titled by their path)`,
    `  Models        ${model}`,
    `  Vectors       ${stack.vectorStore === 'qdrant' ? `Qdrant at ${process.env.QDRANT_URL}` : 'embedded'}`,
    `  Data          ${stack.dataDir}`,
    `  CORS origins  ${stack.corsOrigins.join(' ')}   (set CORS_ORIGINS for other apps)`,
    `  API key       ${stack.apiKey}   (tenant "local")`,
    '',
    `  export API_URL=${stack.apiUrl} STREAM_URL=${stack.streamUrl} API_KEY=${stack.apiKey}`,
    '',
    '  Ctrl-C stops the stack; the data stays in the data folder.',
    '',
  ].join('\n'),
);

let closing = false;
const shutdown = async (signal: string) => {
  // A second Ctrl-C stops at once: closing waits for the batches being indexed, which a model
  // that does not answer holds until its timeout. Nothing is lost (the stack may be killed at
  // any moment): the next start re-queues what was in flight.
  if (closing) {
    process.stdout.write(`\n${signal} again: stopping now; indexing resumes at the next start.\n`);
    process.exit(130);
  }
  closing = true;
  process.stdout.write(`\n${signal}: shutting down… (again to stop at once)\n`);
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
