import { parseArgs } from 'node:util';
import { startLocalStack } from '../dev/local-stack.js';

const USAGE = `Usage: npm run reindex -- [--tenant ID]

Re-queues the current version of every document of every tenant (or of one) so the indexer
writes it again, e.g. into the hybrid collection layout after an upgrade. Locally it starts the
stack on DATA_DIR (stop \`npm run dev\` first), waits until every job is indexed and exits.
`;

const { values } = parseArgs({
  options: { tenant: { type: 'string' }, help: { type: 'boolean', default: false } },
});

const main = async (): Promise<number> => {
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const stack = await startLocalStack({
    port: 0,
    streamPort: 0,
    ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
    logLevel: 'ERROR',
  });
  try {
    const started = performance.now();
    const outcome = await stack.reindex(values.tenant ? { tenantId: values.tenant } : {});
    process.stdout.write(
      `Re-queued ${outcome.jobs.length} documents of ${outcome.tenants} tenant(s); indexing…\n`,
    );
    await stack.queue.idle();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`Done in ${seconds} s (vector store: ${stack.vectorStore}).\n`);
    return 0;
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
