import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedVectorStore } from '../../../lambdas/adapters/embedded/embedded-vector-store.js';
import { MigratingVectorStore } from '../../../lambdas/adapters/migration/migrating-vector-store.js';
import { ExtractiveChatModel } from '../../../lambdas/adapters/offline/extractive-chat-model.js';
import { HashedFeatureEmbedder } from '../../../lambdas/adapters/offline/hashed-feature-embedder.js';
import { OpenAiChatModel } from '../../../lambdas/adapters/openai/openai-chat-model.js';
import { OpenAiEmbedder } from '../../../lambdas/adapters/openai/openai-embedder.js';
import { QdrantVectorStore } from '../../../lambdas/adapters/qdrant/qdrant-vector-store.js';
import {
  composeAi,
  composeChatModel,
  composeEmbedder,
  flushAi,
  NO_API_KEY,
} from '../../../lambdas/composition/ai-components.js';
import { apiKeyFromSecret } from '../../../lambdas/composition/ai-secrets.js';
import { loadRuntimeConfig } from '../../../lambdas/composition/runtime-config.js';
import { contractPoint } from '../../contracts/vector-store-contract.js';
import { type OpenAiStandIn, startOpenAiStandIn } from '../../support/openai-stand-in.js';
import { type QdrantStandIn, startQdrantStandIn } from '../../support/qdrant-stand-in.js';

let openai: OpenAiStandIn;
let qdrant: QdrantStandIn;
let firstRequest = 0;

const config = (env: Record<string, string> = {}) =>
  loadRuntimeConfig({ TABLE_NAME: 'table', OPENAI_MAX_RETRIES: '0', ...env });

const lastAuthorization = () => openai.requests.slice(firstRequest).at(-1)?.headers.authorization;

beforeAll(async () => {
  [openai, qdrant] = await Promise.all([
    startOpenAiStandIn({ logViolations: false, dimensions: 8 }),
    startQdrantStandIn({ logViolations: false }),
  ]);
});

afterAll(async () => {
  openai.assertNoViolations();
  qdrant.assertNoViolations();
  await Promise.all([openai.close(), qdrant.close()]);
});

beforeEach(() => {
  firstRequest = openai.requests.length;
});

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('composeAi', () => {
  describe('without an OpenAI key or base URL', () => {
    it('chooses the offline provider and the embedded vector store', async () => {
      const ai = await composeAi(config());

      expect(ai.provider).toBe('offline');
      expect(ai.embedder).toBeInstanceOf(HashedFeatureEmbedder);
      expect(ai.embedder.dimensions).toBe(4096);
      expect(ai.chatModel).toBeInstanceOf(ExtractiveChatModel);
      expect(ai.chatModel.model).toBe('offline');
      expect(ai.vectorStore).toBeInstanceOf(EmbeddedVectorStore);
    });

    it('keeps the embedded vectors under the data folder, in a file named after the embedder', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'ai-'));
      const ai = await composeAi(config(), { dataDir });
      const vector = (await ai.embedder.embed(['path parameters'])).vectors[0] ?? [];

      await ai.vectorStore.upsert('tenant-a', [contractPoint('tenant-a', 'doc-1', 0, vector)]);
      await flushAi(ai);

      expect(await readdir(dataDir)).toEqual(['vectors-offline-hashed-terms-4096.ndjson.log']);
      await rm(dataDir, { recursive: true, force: true });
    });
  });

  describe('with OpenAI', () => {
    it('uses OPENAI_API_KEY against OPENAI_BASE_URL for embeddings and chat', async () => {
      const ai = await composeAi(
        config({
          OPENAI_API_KEY: 'sk-env',
          OPENAI_BASE_URL: openai.url,
          EMBEDDING_MODEL: 'text-embedding-3-small',
          EMBEDDING_DIMENSIONS: '16',
        }),
      );

      const { vectors } = await ai.embedder.embed(['hello']);
      const completion = await ai.chatModel.complete([{ role: 'user', content: 'hi' }]);

      expect(ai.provider).toBe('openai');
      expect(ai.embedder).toBeInstanceOf(OpenAiEmbedder);
      expect(ai.chatModel).toBeInstanceOf(OpenAiChatModel);
      expect(vectors[0]).toHaveLength(16);
      expect(completion.model).toBe('gpt-4o-mini');
      expect(lastAuthorization()).toBe('Bearer sk-env');
    });

    it('talks to a keyless OpenAI-compatible server with a placeholder key and max_tokens', async () => {
      const ai = await composeAi(
        config({ OPENAI_BASE_URL: openai.url, CHAT_MODEL: 'llama3.2', CHAT_MAX_TOKENS: '64' }),
      );

      await ai.chatModel.complete([{ role: 'user', content: 'hi' }]);

      expect(ai.provider).toBe('openai');
      expect(lastAuthorization()).toBe(`Bearer ${NO_API_KEY}`);
      expect(openai.requests.at(-1)?.body).toMatchObject({ model: 'llama3.2', max_tokens: 64 });
    });

    it('reads the key from the secret, and picks up a rotated key', async () => {
      let secret = '{"apiKey":"sk-from-secret"}';
      const read: string[] = [];
      const readSecret = async (arn: string) => {
        read.push(arn);
        return secret;
      };
      const ai = await composeAi(
        config({
          OPENAI_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:openai',
          OPENAI_BASE_URL: openai.url,
          EMBEDDING_DIMENSIONS: '8',
        }),
        { readSecret },
      );

      await ai.embedder.embed(['one']);
      const before = lastAuthorization();
      secret = 'sk-rotated';
      await ai.embedder.embed(['two']);

      expect(read[0]).toBe('arn:aws:secretsmanager:eu-west-1:1:secret:openai');
      expect(before).toBe('Bearer sk-from-secret');
      expect(lastAuthorization()).toBe('Bearer sk-rotated');
    });
  });

  it('refuses the embedded vector store on AWS Lambda, where each container has its own', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'rag-api-chat');

    await expect(composeAi(config())).rejects.toThrow(/QDRANT_URL must be set/);
  });

  it('refuses the offline provider on AWS Lambda, whose bundles leave its models out', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'rag-api-chat');

    await expect(composeChatModel(config())).rejects.toThrow(/offline provider runs in the local/);
    await expect(composeEmbedder(config())).rejects.toThrow(/offline provider runs in the local/);
  });

  describe('with Qdrant', () => {
    it('uses QDRANT_URL and QDRANT_COLLECTION, sized for the embedder', async () => {
      const ai = await composeAi(
        config({
          QDRANT_URL: qdrant.url,
          QDRANT_COLLECTION: 'composed',
          OFFLINE_EMBEDDING_DIMENSIONS: '64',
        }),
      );

      await ai.vectorStore.upsert('tenant-a', [
        contractPoint('tenant-a', 'doc-1', 0, new Array(64).fill(0.1)),
      ]);

      expect(ai.vectorStore).toBeInstanceOf(QdrantVectorStore);
      expect(qdrant.points('composed')).toHaveLength(1);
    });

    it('during a migration, writes both collections and answers from the previous one', async () => {
      const old = new QdrantVectorStore(
        new QdrantClient({ url: qdrant.url, checkCompatibility: false }),
        { collection: 'before-hybrid', dimensions: 64, layout: 'single' },
      );
      await old.upsert('tenant-a', [
        contractPoint('tenant-a', 'doc-old', 0, new Array(64).fill(0.1)),
      ]);
      const ai = await composeAi(
        config({
          QDRANT_URL: qdrant.url,
          QDRANT_COLLECTION: 'after-hybrid',
          QDRANT_PREVIOUS_COLLECTION: 'before-hybrid',
          OFFLINE_EMBEDDING_DIMENSIONS: '64',
        }),
      );

      await ai.vectorStore.upsert('tenant-a', [
        contractPoint('tenant-a', 'doc-new', 0, new Array(64).fill(0.2)),
      ]);
      const found = await ai.vectorStore.query('tenant-a', new Array(64).fill(0.1), { limit: 5 });

      expect(ai.vectorStore).toBeInstanceOf(MigratingVectorStore);
      expect(qdrant.points('after-hybrid').map((point) => point.payload.documentId)).toEqual([
        'doc-new',
      ]);
      expect(found.map((chunk) => chunk.documentId).sort()).toEqual(['doc-new', 'doc-old']);
    });

    it('refuses, naming it, a previous collection that does not exist instead of creating it', async () => {
      const ai = await composeAi(
        config({
          QDRANT_URL: qdrant.url,
          QDRANT_COLLECTION: 'after-hybrid-2',
          QDRANT_PREVIOUS_COLLECTION: 'never-created',
          OFFLINE_EMBEDDING_DIMENSIONS: '64',
        }),
      );

      const read = ai.vectorStore.query('tenant-a', new Array(64).fill(0.1), { limit: 5 });

      await expect(read).rejects.toMatchObject({
        status: 502,
        cause: expect.objectContaining({
          message: expect.stringContaining('collection never-created does not exist'),
        }),
      });
      expect(qdrant.points('never-created')).toEqual([]);
    });

    it("reads the OpenAI key's and the Qdrant key's secrets at the same time", async () => {
      vi.spyOn(console, 'warn').mockImplementation(() => {});
      const asked: string[] = [];
      let bothAsked: () => void = () => {};
      const both = new Promise<void>((resolve) => {
        bothAsked = resolve;
      });
      const readSecret = async (arn: string) => {
        asked.push(arn);
        if (asked.length === 2) bothAsked();
        // A reader that answers only once both reads are under way: serial reads time out.
        const waited = await Promise.race([
          both.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000)),
        ]);
        if (!waited) throw new Error(`${arn} was read alone`);
        return arn === 'arn:openai' ? 'sk-from-secret' : 'qdrant-key';
      };

      const ai = await composeAi(
        config({
          OPENAI_API_KEY_SECRET_ARN: 'arn:openai',
          OPENAI_BASE_URL: openai.url,
          QDRANT_URL: qdrant.url,
          QDRANT_API_KEY_SECRET_ARN: 'arn:qdrant',
        }),
        { readSecret },
      );

      expect(asked.sort()).toEqual(['arn:openai', 'arn:qdrant']);
      expect(ai.vectorStore).toBeInstanceOf(QdrantVectorStore);
      expect(ai.embedder).toBeInstanceOf(OpenAiEmbedder);
    });

    it('reads the Qdrant key from its secret when one is configured', async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const read: string[] = [];
      const ai = await composeAi(
        config({ QDRANT_URL: qdrant.url, QDRANT_API_KEY_SECRET_ARN: 'arn:qdrant' }),
        {
          readSecret: async (arn) => {
            read.push(arn);
            return 'qdrant-key';
          },
        },
      );

      expect(ai.vectorStore).toBeInstanceOf(QdrantVectorStore);
      expect(read).toEqual(['arn:qdrant']);
      // The client warns about a key over plain http (the stand-in); real Qdrant uses https.
      expect(warn).toHaveBeenCalledWith('Api key is used with unsecure connection.');
    });
  });
});

describe('apiKeyFromSecret', () => {
  it('takes a plain secret string as the key', () => {
    expect(apiKeyFromSecret(' sk-plain\n')).toBe('sk-plain');
  });

  it('takes the apiKey field, or the only field, of a JSON secret', () => {
    expect(apiKeyFromSecret('{"apiKey":"sk-a","note":"x"}')).toBe('sk-a');
    expect(apiKeyFromSecret('{"OPENAI_API_KEY":"sk-b"}')).toBe('sk-b');
  });

  it('refuses a JSON secret without a recognisable key', () => {
    expect(() => apiKeyFromSecret('{"a":"1","b":"2"}')).toThrow(/apiKey/);
  });
});
