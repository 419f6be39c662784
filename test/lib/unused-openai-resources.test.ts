import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import {
  isUnusedOpenAiResource,
  openAiResourceOf,
  unusedOpenAiResources,
} from '../../lib/unused-openai-resources.js';

/** The installed package's resources, as esbuild resolves them (symbolic links followed). */
const OPENAI_CLIENT = createRequire(import.meta.url).resolve('openai/client.mjs');
const OPENAI_RESOURCES = join(dirname(OPENAI_CLIENT), 'resources');

/** Bundles `contents` as if it were a module in `resolveDir`, with the plugin. */
const bundleWithPlugin = (contents: string, resolveDir: string) =>
  build({
    stdin: { contents, resolveDir },
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'silent',
    plugins: [unusedOpenAiResources],
  });

describe('openAiResourceOf', () => {
  it("names the resource of a resource's entry module", () => {
    expect(openAiResourceOf(join(OPENAI_RESOURCES, 'beta/beta.mjs'))).toBe('beta');
    expect(openAiResourceOf(join(OPENAI_RESOURCES, 'batches.mjs'))).toBe('batches');
  });

  it("names no resource for the index or a resource's inner module", () => {
    expect(openAiResourceOf(join(OPENAI_RESOURCES, 'index.mjs'))).toBeUndefined();
    expect(openAiResourceOf(join(OPENAI_RESOURCES, 'chat/completions/completions.mjs'))).toBe(
      undefined,
    );
  });
});

describe('isUnusedOpenAiResource', () => {
  it('keeps the resources the functions call', () => {
    expect(isUnusedOpenAiResource(join(OPENAI_RESOURCES, 'chat/chat.mjs'))).toBe(false);
    expect(isUnusedOpenAiResource(join(OPENAI_RESOURCES, 'embeddings.mjs'))).toBe(false);
  });

  it('leaves out the others', () => {
    expect(isUnusedOpenAiResource(join(OPENAI_RESOURCES, 'responses/responses.mjs'))).toBe(true);
  });
});

describe('unusedOpenAiResources', () => {
  it("gives the client an empty class with each left-out resource's export names", async () => {
    const result = await bundleWithPlugin(
      "import { OpenAI } from './client.mjs'; console.log(new OpenAI({ apiKey: 'k' }).responses);",
      dirname(OPENAI_CLIENT),
    );

    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toMatch(/var Responses = class extends APIResource \{\s*\}/);
    expect(code).not.toMatch(/compact\(/);
  });

  it('fails the build when a module other than the client imports a left-out resource', async () => {
    const importing = bundleWithPlugin(
      "export { Responses } from './responses/responses.mjs';",
      OPENAI_RESOURCES,
    );

    await expect(importing).rejects.toThrow(/responses\/responses\.mjs of openai is left out/);
  });
});
