import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadAppConfig, parseAppConfig } from '../../lib/config.js';

describe('parseAppConfig', () => {
  it('says a flag must be true or false', () => {
    expect(() => parseAppConfig({ resumableStreams: 'yes' })).toThrow(
      'resumableStreams: must be true or false',
    );
  });

  it('refuses a chunk overlap of half the chunk size or more, which the chunker cannot use', () => {
    expect(() => parseAppConfig({ chunkSizeTokens: 100, chunkOverlapTokens: 60 })).toThrow(
      'chunkOverlapTokens: must be under half of chunkSizeTokens',
    );
  });

  it('refuses a chunk size the embedder would cut, naming the setting and its limit', () => {
    expect(() => parseAppConfig({ chunkSizeTokens: 3000 })).toThrow(
      'chunkSizeTokens: must be at most 2048',
    );
  });

  it('gives one reason for a chunk size far over the limit, not a second, looser bound', () => {
    const message = (() => {
      try {
        parseAppConfig({ chunkSizeTokens: 9000 });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();

    expect(message).toContain('chunkSizeTokens: must be at most 2048: the embedder');
    expect(message.match(/chunkSizeTokens:/g)).toHaveLength(1);
  });

  it('refuses a presigned upload limit over a quarter of the memory, which the indexer cannot hold', () => {
    expect(() =>
      parseAppConfig({ memorySize: '1024', maxPresignedUploadBytes: String(512 * 1024 * 1024) }),
    ).toThrow('maxPresignedUploadBytes: must be at most a quarter of memorySize');
  });

  it('takes the largest presigned upload a quarter of the memory allows', () => {
    const config = parseAppConfig({
      memorySize: '2048',
      maxPresignedUploadBytes: String(512 * 1024 * 1024),
    });

    expect(config.maxPresignedUploadBytes).toBe(512 * 1024 * 1024);
  });

  it.each(['http://qdrant.example.com:6333', 'HTTP://10.0.0.5:6333'])(
    'refuses the Qdrant URL %s, over which the API key would cross the network in clear text',
    (qdrantUrl) => {
      expect(() => parseAppConfig({ qdrantUrl })).toThrow(
        'qdrantUrl: must be an https:// URL: over http:// the Qdrant API key crosses the network in clear text',
      );
    },
  );

  it.each([
    'http://localhost:6333',
    'http://127.0.0.1:6333',
    'http://[::1]:6333',
    'https://qdrant.example.com',
  ])('takes the Qdrant URL %s (https, or http to a loopback host)', (qdrantUrl) => {
    expect(parseAppConfig({ qdrantUrl }).qdrantUrl).toBe(qdrantUrl);
  });

  it('refuses an http:// OpenAI base URL to another host, over which the API key would cross the network in clear text', () => {
    expect(() => parseAppConfig({ openAiBaseUrl: 'http://vllm.internal:8000/v1' })).toThrow(
      'openAiBaseUrl: must be an https:// URL: over http:// the OpenAI API key crosses the network in clear text',
    );
  });

  it('takes an https:// OpenAI base URL', () => {
    expect(parseAppConfig({ openAiBaseUrl: 'https://llm.example.com/v1' }).openAiBaseUrl).toBe(
      'https://llm.example.com/v1',
    );
  });

  it('takes true and false written as text, as -c gives them', () => {
    expect(parseAppConfig({ resumableStreams: 'false' }).resumableStreams).toBe(false);
  });

  it('takes runtimeSettings as JSON text, as -c gives them, each value as text', () => {
    const config = parseAppConfig({
      runtimeSettings: '{"CHAT_MAX_TOKENS":800,"PRIME_CONNECTIONS":false}',
    });

    expect(config.runtimeSettings).toEqual({ CHAT_MAX_TOKENS: '800', PRIME_CONNECTIONS: 'false' });
  });

  it.each([
    [{ TABLE_NAME: 'other' }, 'TABLE_NAME: set by the stack'],
    [{ CHAT_MODEL: 'gpt-4o' }, 'CHAT_MODEL: set by the stack; use chatModel'],
    [{ OPENAI_API_KEY: 'sk-1' }, 'OPENAI_API_KEY: a secret'],
    [{ MAX_RECEIVE_COUNT: '3' }, "MAX_RECEIVE_COUNT: tied to the dead-letter queue's"],
    [{ CHAT_MAX_TOKEN: '800' }, 'CHAT_MAX_TOKEN: not a runtime setting'],
    [{ CHAT_TEMPERATURE: '7' }, 'CHAT_TEMPERATURE: Too big'],
    [{ EMBEDDING_MAX_CONCURRENCY: 'many' }, 'EMBEDDING_MAX_CONCURRENCY: Invalid input'],
    [{ MAX_UPLOAD_BYTES: String(5 * 1024 * 1024) }, 'MAX_UPLOAD_BYTES: at most 4194304 in AWS'],
  ])('refuses runtimeSettings %j at synth', (settings, message) => {
    expect(() => parseAppConfig({ runtimeSettings: settings })).toThrow(message);
  });

  it('refuses runtimeSettings that are not a JSON object', () => {
    expect(() => parseAppConfig({ runtimeSettings: 'CHAT_MAX_TOKENS=800' })).toThrow(
      'runtimeSettings: must be a JSON object of settings',
    );
  });
});

describe('loadAppConfig', () => {
  it('refuses a context key that spells a configuration key otherwise, naming the key meant', () => {
    const app = new App({ context: { QDRANT_COLLECTION: 'chunks_hybrid' } });

    expect(() => loadAppConfig(app.node)).toThrow(
      'QDRANT_COLLECTION: not a configuration key; did you mean qdrantCollection?',
    );
  });

  it('refuses a context key that names a runtime setting, saying how to set it', () => {
    const app = new App({ context: { CHAT_MAX_TOKENS: '800' } });

    expect(() => loadAppConfig(app.node)).toThrow(
      `CHAT_MAX_TOKENS: a runtime setting; set it with -c runtimeSettings='{"CHAT_MAX_TOKENS":"…"}'`,
    );
  });

  it('reads the configuration keys and leaves feature flags and other context alone', () => {
    const app = new App({
      context: {
        qdrantCollection: 'chunks_hybrid',
        '@aws-cdk/core:defaultCrossStackReferences': 'weak',
        team: 'search',
      },
    });

    expect(loadAppConfig(app.node).qdrantCollection).toBe('chunks_hybrid');
  });
});
