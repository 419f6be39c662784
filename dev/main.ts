import { startLocalStack } from './local-stack.js';

const stack = await startLocalStack({
  port: Number(process.env.PORT ?? 3000),
  dataDir: process.env.DATA_DIR ?? '.data',
  ...(process.env.API_KEY ? { apiKey: process.env.API_KEY } : {}),
  logLevel: (process.env.LOG_LEVEL?.toUpperCase() as 'INFO' | undefined) ?? 'WARN',
});

process.stdout.write(
  [
    '',
    '  RAG API: local stack',
    `  HTTP API      ${stack.apiUrl}`,
    `  Data          ${stack.dataDir}`,
    `  API key       ${stack.apiKey}   (tenant "local")`,
    '',
    `  export API_URL=${stack.apiUrl} API_KEY=${stack.apiKey}`,
    '  curl -s $API_URL/health',
    '',
  ].join('\n'),
);

let closing = false;
const shutdown = async (signal: string) => {
  if (closing) return;
  closing = true;
  process.stdout.write(`\n${signal}: shutting down…\n`);
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
