import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';

/**
 * The resources of the OpenAI client the functions call (`client.chat.completions.create`,
 * `client.embeddings.create`): every other resource module of the `openai` package is left out
 * of the function bundles by {@link unusedOpenAiResources}.
 */
export const USED_OPENAI_RESOURCES: readonly string[] = ['chat', 'embeddings'];

/** The folder of the installed `openai` package (where `client.mjs` lives). */
const OPENAI_ROOT = dirname(createRequire(import.meta.url).resolve('openai/client.mjs'));
const RESOURCES = join(OPENAI_ROOT, 'resources');

/** The modules of the package that load every resource: the client class and the resources' index. */
const RESOURCE_LOADERS = new Set([join(OPENAI_ROOT, 'client.mjs'), join(RESOURCES, 'index.mjs')]);

const STUB_NAMESPACE = 'unused-openai-resource';

/**
 * The name of the resource whose entry module is `path` (`resources/<name>.mjs` or
 * `resources/<name>/<name>.mjs` of the `openai` package), if it is one.
 *
 * @example
 * openAiResourceOf('/p/node_modules/openai/resources/beta/beta.mjs') // 'beta'
 * openAiResourceOf('/p/node_modules/openai/resources/chat/completions/completions.mjs') // undefined
 */
export const openAiResourceOf = (path: string): string | undefined => {
  const parts = relative(RESOURCES, path).split(sep);
  const [first, second] = parts;
  if (first === undefined || first === '..' || !path.endsWith('.mjs')) return undefined;
  if (parts.length === 1) return first === 'index.mjs' ? undefined : first.replace(/\.mjs$/, '');
  return parts.length === 2 && second === `${first}.mjs` ? first : undefined;
};

/**
 * Whether `path` is the entry module of a resource the functions never call: one the bundles
 * replace by an empty class.
 */
export const isUnusedOpenAiResource = (path: string): boolean => {
  const resource = openAiResourceOf(path);
  return resource !== undefined && !USED_OPENAI_RESOURCES.includes(resource);
};

/** The names a module exports, as esbuild reads them (the module alone, not bundled). */
const exportsOf = async (path: string): Promise<string[]> => {
  const result = await build({
    entryPoints: [path],
    bundle: false,
    write: false,
    metafile: true,
    format: 'esm',
    outdir: 'exports-of',
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).flatMap((output) => output.exports);
};

/**
 * An esbuild plugin that leaves out of a bundle the resources of the OpenAI client the
 * functions never call. `openai`'s client class imports every resource (responses, beta,
 * realtime, audio, evals, vector stores, …) and builds one of each in its constructor, so
 * esbuild keeps them all (about 390 KB of each bundle that uses the client). The plugin keeps
 * the client itself (its retries, errors, streaming, request building) and the resources of
 * {@link USED_OPENAI_RESOURCES}, and gives the client, for each other resource's entry module,
 * a module that exports the same names, read from the module itself, each an empty resource
 * class: `client.responses` exists, with no methods.
 *
 * Only the client and the resources' index may import such a module: an import from anywhere
 * else (a used resource, another part of the SDK, the project's code) fails the build, naming
 * the importer, since the code importing it would get an empty class.
 *
 * @example
 * await build({ entryPoints: ['lambdas/handlers/chat-api.ts'], bundle: true, plugins: [unusedOpenAiResources] });
 */
export const unusedOpenAiResources: Plugin = {
  name: 'unused-openai-resources',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /\.mjs$/ }, (args) => {
      if (!args.path.startsWith('.')) return undefined;
      const path = join(args.resolveDir, args.path);
      if (!isUnusedOpenAiResource(path)) return undefined;
      if (!RESOURCE_LOADERS.has(args.importer)) {
        return {
          errors: [
            {
              text:
                `${relative(OPENAI_ROOT, path)} of openai is left out of the function bundles ` +
                `(USED_OPENAI_RESOURCES, lib/unused-openai-resources.ts), but ` +
                `${args.importer} imports it`,
            },
          ],
        };
      }
      return { path, namespace: STUB_NAMESPACE };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: STUB_NAMESPACE }, async (args) => {
      const names = await exportsOf(args.path);
      const resource = JSON.stringify(join(OPENAI_ROOT, 'core', 'resource.mjs'));
      const classes = names.map((name) => `export class ${name} extends APIResource {}`);
      return {
        contents: [`import { APIResource } from ${resource};`, ...classes].join('\n'),
        resolveDir: dirname(args.path),
        loader: 'js',
      };
    });
  },
};
