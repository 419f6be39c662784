import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aliasesOf,
  BUILTINS_THROUGH_GET_BUILTIN_MODULE,
  BUNDLE_BUDGETS,
  CLASS_NAME_READERS,
  externalModulesOf,
  FUNCTION_BUNDLING,
  isLocalOnlyImport,
  LAZY_MODULES,
  ON_DEMAND_EXTERNALS,
} from '../../lib/bundling.js';
import { PROJECT_ROOT } from '../../lib/constructs/node-function.js';
import { openAiResourceOf, USED_OPENAI_RESOURCES } from '../../lib/unused-openai-resources.js';

const KB = 1024;
const GROWTH_ALLOWED = 1.1;

interface Built {
  bytes: number;
  inputs: string[];
  imports: Metafile['outputs'][string]['imports'];
}

const outDir = mkdtempSync(join(tmpdir(), 'bundles-'));
const built = new Map<string, Built>();
/** Bytes of the files the first import of each lazy module loads (as installed, not rebuilt). */
const lazyBytes = new Map<string, number>();

beforeAll(async () => {
  // One at a time: the machine's two cores are shared.
  for (const [name, budget] of Object.entries(BUNDLE_BUDGETS)) {
    const outfile = join(outDir, name, 'index.mjs');
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      entryPoints: [budget.entry],
      outfile,
      bundle: true,
      ...FUNCTION_BUNDLING,
      mainFields: [...FUNCTION_BUNDLING.mainFields],
      plugins: [...FUNCTION_BUNDLING.plugins],
      external: externalModulesOf(budget.entry),
      alias: aliasesOf(budget.entry),
      banner: { js: FUNCTION_BUNDLING.banner },
      metafile: true,
      write: false,
      logLevel: 'error',
    });
    const output = result.metafile.outputs[relative(PROJECT_ROOT, outfile)];
    if (!output) throw new Error(`esbuild wrote no bundle for ${name}`);
    built.set(name, {
      bytes: output.bytes,
      inputs: Object.keys(output.inputs),
      imports: output.imports,
    });
  }
  for (const name of LAZY_MODULES) {
    // Follows the package's own imports (unpdf's `import('unpdf/pdfjs')` included, and the
    // packages it depends on) from the installed files; the inputs' sizes are what Node reads
    // from node_modules.
    const result = await build({
      absWorkingDir: PROJECT_ROOT,
      stdin: { contents: `export * from '${name}';`, resolveDir: PROJECT_ROOT },
      bundle: true,
      platform: 'node',
      format: 'esm',
      metafile: true,
      write: false,
      logLevel: 'error',
    });
    const bytes = Object.entries(result.metafile.inputs)
      .filter(([input]) => input.includes('node_modules/'))
      .reduce((sum, [, input]) => sum + input.bytes, 0);
    lazyBytes.set(name, bytes);
  }
  console.log(
    Object.entries(BUNDLE_BUDGETS)
      .map(([name, budget]) => {
        const lazy = Object.keys(budget.lazy ?? {})
          .map(
            (module) =>
              ` + ${module} ${Math.round((lazyBytes.get(module) ?? 0) / KB)} KB on demand`,
          )
          .join('');
        return `${name}: ${Math.round(bundle(name).bytes / KB)} KB at init${lazy}`;
      })
      .join('\n'),
  );
}, 240_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const bundle = (name: string): Built => {
  const found = built.get(name);
  if (!found) throw new Error(`no bundle ${name}`);
  return found;
};

const packages = (name: string, pattern: RegExp) =>
  bundle(name).inputs.filter((input) => pattern.test(input));

/** A module a plugin generated (its namespace before the path): no file on disk. */
const GENERATED = /^[\w-]+:/;

/** The functions that call a model. */
const OPENAI_FUNCTIONS = ['chat-api', 'stream-chat', 'index-documents'];

/** The OpenAI resources whose own modules (not a generated empty class) are in a bundle. */
const openAiResourcesIn = (name: string): string[] => [
  ...new Set(
    packages(name, /node_modules\/openai\/resources\//)
      .filter((input) => !GENERATED.test(input))
      .map(
        (input) => /node_modules\/openai\/resources\/([^/]+?)(?:\.mjs)?(?:\/|$)/.exec(input)?.[1],
      )
      .filter((resource): resource is string => resource !== undefined && resource !== 'index'),
  ),
];

describe('the function bundles', () => {
  it.each(Object.entries(BUNDLE_BUDGETS))('keeps %s within 10%% of its budget', (name, budget) => {
    const limitKb = (budget.accepted?.kb ?? budget.targetKb) * GROWTH_ALLOWED;

    expect(bundle(name).bytes / KB).toBeLessThanOrEqual(limitKb);
  });

  it.each(Object.keys(BUNDLE_BUDGETS))(
    'leaves out of %s only Node built-ins and packages loaded on demand',
    (name) => {
      const lazy = Object.keys(BUNDLE_BUDGETS[name]?.lazy ?? {});
      const external = bundle(name).imports.filter((entry) => entry.external);
      const unexpected = external.filter(
        (entry) =>
          !entry.path.startsWith('node:') &&
          !(
            entry.kind === 'dynamic-import' &&
            (ON_DEMAND_EXTERNALS.includes(entry.path) ||
              lazy.includes(entry.path) ||
              isLocalOnlyImport(entry.path))
          ),
      );

      expect(unexpected).toEqual([]);
    },
  );

  it.each(
    Object.entries(BUNDLE_BUDGETS).flatMap(([name, budget]) =>
      Object.entries(budget.lazy ?? {}).map(([module, kb]) => [name, module, kb] as const),
    ),
  )('keeps the module %s loads on demand, %s, within 10%% of its budget', (_name, module, kb) => {
    expect((lazyBytes.get(module) ?? 0) / KB).toBeLessThanOrEqual(kb * GROWTH_ALLOWED);
  });

  it.each(Object.keys(BUNDLE_BUDGETS))(
    'bundles no embedded vector store into %s, and imports it only on demand (refused on Lambda)',
    (name) => {
      const imports = bundle(name).imports.filter((entry) => isLocalOnlyImport(entry.path));

      expect(packages(name, /lambdas\/adapters\/embedded\//)).toEqual([]);
      expect(imports.every((entry) => entry.kind === 'dynamic-import')).toBe(true);
    },
  );

  it.each(Object.keys(BUNDLE_BUDGETS))(
    'bundles no offline model into %s, and imports it only on demand (refused on Lambda)',
    (name) => {
      const imports = bundle(name).imports.filter(
        (entry) => isLocalOnlyImport(entry.path) && entry.path.includes('/adapters/offline/'),
      );

      expect(
        packages(name, /lambdas\/adapters\/offline\/(hashed-feature-embedder|extractive-)/),
      ).toEqual([]);
      expect(imports.every((entry) => entry.kind === 'dynamic-import')).toBe(true);
    },
  );

  it('bundles pdf.js into no function: it is installed beside the bundle', () => {
    for (const name of Object.keys(BUNDLE_BUDGETS)) {
      expect(packages(name, /node_modules\/unpdf\//)).toEqual([]);
    }
  });

  it('bundles the table of HTML character references into no function: it is installed beside the bundle', () => {
    for (const name of Object.keys(BUNDLE_BUDGETS)) {
      expect(packages(name, /node_modules\/entities\//)).toEqual([]);
    }
  });

  it.each(Object.keys(BUNDLE_BUDGETS))('bundles no undici into %s', (name) => {
    expect(packages(name, /node_modules\/undici\//)).toEqual([]);
  });

  it('bundles neither a model client nor a vector store into the public function', () => {
    expect(packages('public-api', /node_modules\/(openai|@qdrant)\//)).toEqual([]);
  });

  it('bundles neither the OpenAPI generator nor classic zod into the public function', () => {
    expect(packages('public-api', /openapi-document\.ts|node_modules\/zod\/v4\/classic\//)).toEqual(
      [],
    );
  });

  it.each(Object.keys(BUNDLE_BUDGETS))(
    'imports into %s none of the built-ins taken through getBuiltinModule as an ES module',
    (name) => {
      const builtin = (path: string) => path.replace(/^node:/, '').split('/')[0] ?? '';
      const paths = bundle(name).imports.map((entry) => entry.path);

      expect(
        paths.filter((path) => BUILTINS_THROUGH_GET_BUILTIN_MODULE.includes(builtin(path))),
      ).toEqual([]);
    },
  );

  it('gives each shim the module getBuiltinModule gives', async () => {
    const require = createRequire(import.meta.url);
    for (const name of BUILTINS_THROUGH_GET_BUILTIN_MODULE) {
      expect(require(join(PROJECT_ROOT, 'lambdas/bundle-shims', name))).toBe(
        process.getBuiltinModule(`node:${name}`),
      );
    }
  });

  it('imports no node:http into the public function (Node 24 loads undici with it)', () => {
    expect(bundle('public-api').imports.map((entry) => entry.path)).not.toContain('node:http');
  });

  it.each(Object.keys(BUNDLE_BUDGETS))(
    'bundles into %s only the class-name readers known to be harmless without keepNames',
    (name) => {
      const readers = bundle(name)
        .inputs.filter((input) => !GENERATED.test(input))
        .filter((input) =>
          /constructor\??\.name\b/.test(readFileSync(join(PROJECT_ROOT, input), 'utf8')),
        );

      expect(readers.filter((input) => !(input in CLASS_NAME_READERS))).toEqual([]);
    },
  );

  it.each(OPENAI_FUNCTIONS)(
    'bundles into %s only the OpenAI resources the functions call',
    (name) => {
      expect(openAiResourcesIn(name).sort()).toEqual([...USED_OPENAI_RESOURCES].sort());
    },
  );

  it.each(OPENAI_FUNCTIONS)(
    'gives the OpenAI client of %s an empty class for every resource it does not call',
    (name) => {
      const client = readFileSync(join(PROJECT_ROOT, 'node_modules/openai/client.mjs'), 'utf8');
      const imported = [...client.matchAll(/from "\.\/resources\/([^/".]+)/g)].map(
        (match) => match[1],
      );
      const stubs = bundle(name).inputs.filter((input) =>
        input.startsWith('unused-openai-resource:'),
      );

      expect(stubs.map((input) => openAiResourceOf(input.replace(GENERATED, ''))).sort()).toEqual(
        [...new Set(imported)]
          .filter(
            (resource) => resource !== 'index' && !USED_OPENAI_RESOURCES.includes(resource ?? ''),
          )
          .sort(),
      );
    },
  );

  it('bundles no OpenAI SDK into the functions that never call a model', () => {
    expect(packages('documents-api', /node_modules\/openai\//)).toEqual([]);
    expect(packages('reconcile-documents', /node_modules\/openai\//)).toEqual([]);
  });
});
