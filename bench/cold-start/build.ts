import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { build, type Metafile, transform } from 'esbuild';
import { aliasesOf, externalModulesOf, FUNCTION_BUNDLING } from '../../lib/bundling.js';
import { trimSourceMapFile } from '../../lib/own-code-source-map.js';
import { PROJECT_ROOT } from '../lib/paths.js';

/** The five Lambda functions: name and handler entry (relative to the project root). */
export const FUNCTIONS = [
  { name: 'public-api', entry: 'lambdas/handlers/public-api.ts' },
  { name: 'chat-api', entry: 'lambdas/handlers/chat-api.ts' },
  { name: 'documents-api', entry: 'lambdas/handlers/documents-api.ts' },
  { name: 'stream-chat', entry: 'lambdas/handlers/stream-chat.ts' },
  { name: 'index-documents', entry: 'lambdas/handlers/index-documents.ts' },
] as const;

/** One of {@link FUNCTIONS}. */
export type FunctionSpec = (typeof FUNCTIONS)[number];

/** How much one package (or the project's own code) contributes to a bundle. */
export interface Contributor {
  name: string;
  /** Bytes in the minified output. */
  bytes: number;
}

/** A function bundled as the CDK stack bundles it. */
export interface BuiltBundle {
  name: string;
  file: string;
  /** Size of the minified `index.mjs`. */
  bytes: number;
  /** Size of its source map (loaded only with `--enable-source-maps`). */
  sourceMapBytes: number;
  /** Bytes of every source file esbuild read for it, before tree-shaking and minification. */
  inputBytes: number;
  /** Biggest contributors to the output, largest first. */
  contributors: Contributor[];
}

const packageOf = (input: string): string => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : '(project code)';
};

const contributorsOf = (output: Metafile['outputs'][string]): Contributor[] => {
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
};

/**
 * Bundles a handler with the options of the CDK `NodeFunction` construct (esbuild's API with
 * `FUNCTION_BUNDLING` and its plugins: ESM, `target: node24`, `platform: node`,
 * `mainFields: module,main`, the `require` banner, minified (names not kept), an external
 * source map without sources content of the project's own code only (`ownCodeSourceMap`),
 * every package bundled), into `<outDir>/<name>/index.mjs`, and reads its metafile.
 *
 * @example
 * const bundle = await bundleFunction(FUNCTIONS[0], 'bench/.work/bundles');
 */
export const bundleFunction = async (spec: FunctionSpec, outDir: string): Promise<BuiltBundle> => {
  const file = join(outDir, spec.name, 'index.mjs');
  const result = await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [spec.entry],
    outfile: file,
    bundle: true,
    ...FUNCTION_BUNDLING,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    plugins: [...FUNCTION_BUNDLING.plugins],
    external: externalModulesOf(spec.entry),
    alias: aliasesOf(spec.entry),
    banner: { js: FUNCTION_BUNDLING.banner },
    metafile: true,
    logLevel: 'error',
  });
  const key = relative(PROJECT_ROOT, file);
  const output = result.metafile.outputs[key];
  if (output === undefined) throw new Error(`esbuild wrote no ${key}`);
  // As the CDK construct does after esbuild: the map keeps the project's own code only.
  trimSourceMapFile(`${file}.map`);
  return {
    name: spec.name,
    file,
    bytes: output.bytes,
    sourceMapBytes: (await stat(`${file}.map`)).size,
    inputBytes: Object.keys(output.inputs).reduce(
      (sum, input) => sum + (result.metafile.inputs[input]?.bytes ?? 0),
      0,
    ),
    contributors: contributorsOf(output),
  };
};

/** Files under `folder` (recursively) whose name `wanted` accepts. */
const filesUnder = async (folder: string, wanted: (name: string) => boolean): Promise<string[]> => {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return filesUnder(path, wanted);
      return wanted(entry.name) ? [path] : [];
    }),
  );
  return nested.flat();
};

/**
 * The unbundled baseline: every file under `lambdas/` transpiled on its own (types stripped,
 * nothing bundled, nothing minified) into `<outDir>/lambdas/…/*.js`, the way `tsc` output is
 * deployed with a `node_modules` folder. Imports of packages stay bare, so Node resolves them
 * from the project's `node_modules` (the folders above `outDir`). Returns the entry file of
 * each function.
 *
 * @example
 * const entries = await transpileProject('bench/.work/unbundled');
 * entries.get('chat-api'); // '/…/bench/.work/unbundled/lambdas/handlers/chat-api.js'
 */
export const transpileProject = async (outDir: string): Promise<Map<string, string>> => {
  await rm(outDir, { recursive: true, force: true });
  const lambdas = join(PROJECT_ROOT, 'lambdas');
  const sources = await filesUnder(
    lambdas,
    (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'),
  );
  // Data modules (the OpenAPI template generated at build time) are imported as they are.
  const data = await filesUnder(lambdas, (name) => name.endsWith('.json'));
  await Promise.all(
    data.map(async (file) => {
      const target = join(outDir, relative(PROJECT_ROOT, file));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file, target);
    }),
  );
  await Promise.all(
    sources
      .filter((source) => !source.endsWith('.test.ts'))
      .map(async (source) => {
        const path = relative(PROJECT_ROOT, source);
        const { code } = await transform(await readFile(source, 'utf8'), {
          loader: 'ts',
          format: 'esm',
          target: 'node24',
          sourcefile: path,
          tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true } },
        });
        const target = join(outDir, path.replace(/\.ts$/, '.js'));
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, code);
      }),
  );
  return new Map(
    FUNCTIONS.map((spec) => [spec.name, join(outDir, spec.entry.replace(/\.ts$/, '.js'))]),
  );
};
