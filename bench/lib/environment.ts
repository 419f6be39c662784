import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import {
  type OpenAiStandIn,
  type ReplyFunction,
  startOpenAiStandIn,
} from '../../test/support/openai-stand-in.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../test/support/qdrant-stand-in.js';
import { ServerTimings } from './server-timings.js';

/** Tokens of the stand-in's answer (the streaming section asks for 200). */
export const ANSWER_TOKENS = 200;

/** The stand-in's answer: {@link ANSWER_TOKENS} words, whatever the question. */
export const benchReply: ReplyFunction = () =>
  Array.from({ length: ANSWER_TOKENS }, (_, index) => `word${index}`).join(' ');

/** The environment of sections 3–5: stand-ins, the local stack on them, server timings. */
export interface BenchEnvironment {
  openai: OpenAiStandIn;
  qdrant: QdrantStandIn;
  stack: LocalStack;
  timings: ServerTimings;
  /** Environment the local stack was configured with (the indexer's composition reuses it). */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the OpenAI and Qdrant stand-ins (in this process, spec-checked) and the local stack
 * in front of them (`OPENAI_BASE_URL`, `QDRANT_URL`; dynalite with its data under
 * `<workDir>/data`), plus the server timing recorder. The API key cache lasts 60 s, the
 * deployed default, so that authentication is cached as it is in a warm function.
 *
 * @example
 * const environment = await startEnvironment('bench/.work');
 * await environment.close();
 */
export const startEnvironment = async (workDir: string): Promise<BenchEnvironment> => {
  const timings = new ServerTimings();
  const openai = await startOpenAiStandIn({ reply: benchReply });
  const qdrant = await startQdrantStandIn();
  const env: Record<string, string> = {
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: 'sk-bench',
    QDRANT_URL: qdrant.url,
    API_KEY_CACHE_TTL_SECONDS: '60',
    // Limits stay on (their check is part of a request's cost) but never refuse here: the
    // sections measure the stack at full load, and the limits have a bench of their own.
    TENANT_REQUESTS_PER_MINUTE: '1000000',
    TENANT_TOKENS_PER_DAY: '1000000000',
    TENANT_CONCURRENT_STREAMS: '1000',
    TENANT_CONCURRENT_FOLLOWERS: '1000',
  };
  const dataDir = join(workDir, 'data');
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const stack = await startLocalStack({
    port: 0,
    streamPort: 0,
    dataDir,
    logLevel: 'SILENT',
    env,
  });
  if (stack.provider !== 'openai' || stack.vectorStore !== 'qdrant') {
    throw new Error('the local stack did not pick the stand-ins up');
  }
  return {
    openai,
    qdrant,
    stack,
    timings,
    env,
    close: async () => {
      await stack.close();
      await Promise.all([openai.close(), qdrant.close()]);
      timings.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
};
