import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '../../dev/local-stack.js';
import {
  type OpenAiStandIn,
  type OpenAiStandInOptions,
  startOpenAiStandIn,
} from './openai-stand-in.js';

/** A local stack whose model is the OpenAI stand-in, in a data folder of its own. */
export interface StackOnOpenAiStandIn {
  stack: LocalStack;
  openai: OpenAiStandIn;
  dataDir: string;
  /** Stops both and removes the data folder. */
  close(): Promise<void>;
}

/**
 * Starts the OpenAI stand-in (64 dimensions) and a local stack on free ports using it (plus
 * `env`), in a fresh temporary data folder.
 *
 * @example
 * const { stack, openai, close } = await startStackOnOpenAiStandIn('pdf-', { embeddingDelayMs: 100 });
 */
export const startStackOnOpenAiStandIn = async (
  prefix: string,
  standIn: Omit<OpenAiStandInOptions, 'dimensions'> = {},
  env: Record<string, string> = {},
): Promise<StackOnOpenAiStandIn> => {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const openai = await startOpenAiStandIn({ dimensions: 64, ...standIn });
  const stack = await startLocalStack({
    port: 0,
    streamPort: 0,
    dataDir,
    logLevel: 'SILENT',
    env: {
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: 'test',
      EMBEDDING_DIMENSIONS: '64',
      ...env,
    },
  });
  return {
    stack,
    openai,
    dataDir,
    close: async () => {
      await stack.close();
      await openai.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
