// Settings in .env first, as npm run dev reads them (the same DATA_DIR, ports and keys).
import '../dev/load-env-file.js';
import { parseArgs } from 'node:util';
import { dataDirOf } from '../dev/local-paths.js';
import { startLocalStack } from '../dev/local-stack.js';
import { LocalStackStartError } from '../dev/local-stack-start-error.js';
import { DynamoDbApiKeyStore } from '../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbDocumentStore } from '../lambdas/adapters/dynamodb/dynamodb-document-store.js';
import { composeBlobStore, composeJobQueue } from '../lambdas/composition/ingestion-adapters.js';
import { loadRuntimeConfig } from '../lambdas/composition/runtime-config.js';
import { composeShared } from '../lambdas/composition/shared.js';
import { isTenantId, TENANT_ID_RULE } from '../lambdas/core/auth/tenant-id.js';
import { ReindexDocuments } from '../lambdas/core/ingestion/reindex-documents.js';
import { systemClock } from '../lambdas/core/ports/clock.js';

const USAGE = `Usage: npm run reindex -- [--tenant ID]

Re-queues the current version of every document of every tenant (or of one) so the indexer
writes it again, e.g. into the hybrid collection layout after an upgrade.

With QUEUE_URL, TABLE_NAME and BUCKET_NAME set (a deployed stack's outputs), the jobs go to
its SQS queue and the deployed indexer does the work. Otherwise it starts the local stack on DATA_DIR (stop
\`npm run dev\` first), waits until every job is indexed and exits: 1 when a document could
not be indexed again (each is named, with its reason), 0 when all could.
`;

const main = async (): Promise<number> => {
  let values: { tenant?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      options: { tenant: { type: 'string' }, help: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.tenant !== undefined && !isTenantId(values.tenant)) {
    process.stderr.write(`--tenant ${JSON.stringify(values.tenant)}: ${TENANT_ID_RULE}\n`);
    return 2;
  }
  if (process.env.QUEUE_URL && process.env.TABLE_NAME) {
    if (!process.env.BUCKET_NAME) {
      process.stderr.write(
        'BUCKET_NAME is not set: a deployed stack is re-indexed with its QUEUE_URL, TABLE_NAME and BUCKET_NAME (the stack outputs QueueUrl, TableName, BucketName).\n',
      );
      return 2;
    }
    const config = loadRuntimeConfig(process.env);
    const shared = composeShared(config);
    const outcome = await new ReindexDocuments({
      documents: new DynamoDbDocumentStore(shared.dynamo, config.TABLE_NAME),
      apiKeys: new DynamoDbApiKeyStore(shared.dynamo, config.TABLE_NAME),
      blobs: composeBlobStore(config),
      queue: composeJobQueue(config),
      clock: systemClock,
    }).execute(values.tenant ? { tenantId: values.tenant } : {});
    process.stdout.write(
      `Queued ${outcome.jobs.length} documents of ${outcome.tenants} tenant(s) to ${config.QUEUE_URL}\n`,
    );
    return 0;
  }
  const stack = await startLocalStack({
    port: 0,
    streamPort: 0,
    dataDir: dataDirOf(process.env),
    logLevel: 'ERROR',
  }).catch((error: unknown) => {
    if (!(error instanceof LocalStackStartError)) throw error;
    throw new Error(
      `${error.message}\nnpm run reindex opens the data folder itself: stop npm run dev first.`,
    );
  });
  try {
    const started = performance.now();
    const outcome = await stack.reindex(values.tenant ? { tenantId: values.tenant } : {});
    process.stdout.write(
      `Re-queued ${outcome.jobs.length} documents of ${outcome.tenants} tenant(s); indexing…\n`,
    );
    await stack.queue.idle();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const failed: string[] = [];
    for (const job of outcome.jobs) {
      const record = await stack.documents.get(job.tenantId, job.documentId);
      if (record?.version === job.version && record.status === 'failed') {
        failed.push(
          `  ${job.tenantId}: "${record.title}" (${job.documentId}): ${record.error ?? 'failed'}`,
        );
      }
    }
    process.stdout.write(`Done in ${seconds} s (vector store: ${stack.vectorStore}).\n`);
    if (failed.length === 0) return 0;
    process.stderr.write(
      `${failed.length} of ${outcome.jobs.length} documents could not be indexed again:\n${failed.join('\n')}\n`,
    );
    return 1;
  } finally {
    await stack.close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
