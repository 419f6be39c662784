import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { aliasesOf, externalModulesOf, FUNCTION_BUNDLING, installedModules } from './bundling.js';
import { trimSourceMapFile } from './own-code-source-map.js';

/** The project root: entries, `package.json` and the lock file are resolved against it. */
const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * The versions `package.json` asks for of `modules`, as the CDK's `nodeModules` takes them.
 *
 * @example
 * requestedVersions(['unpdf']) // { unpdf: <the range package.json gives> }
 */
const requestedVersions = (modules: readonly string[]): Record<string, string> => {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const declared = { ...manifest.devDependencies, ...manifest.dependencies };
  return Object.fromEntries(
    modules.map((name) => {
      const version = declared[name];
      if (version === undefined) throw new Error(`${name} is not in package.json`);
      return [name, version];
    }),
  );
};

/**
 * Builds the function whose handler is `entry` (relative to the project root) into
 * `outputDir`, as it deploys: `index.mjs` bundled through esbuild's API with
 * `FUNCTION_BUNDLING` (its plugins included, which the esbuild command line cannot run), its
 * source map trimmed to the project's own code, and the function's lazy modules installed
 * beside it from the lock file (`npm ci`, as the CDK's `nodeModules` does).
 *
 * @example
 * await bundleFunctionInto('lambdas/handlers/chat-api.ts', 'cdk.out/bundling-temp-…');
 */
export const bundleFunctionInto = async (entry: string, outputDir: string): Promise<void> => {
  const outfile = join(outputDir, 'index.mjs');
  await build({
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    ...FUNCTION_BUNDLING,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    plugins: [...FUNCTION_BUNDLING.plugins],
    external: externalModulesOf(entry),
    alias: aliasesOf(entry),
    banner: { js: FUNCTION_BUNDLING.banner },
    logLevel: 'warning',
  });
  trimSourceMapFile(`${outfile}.map`);
  const modules = installedModules(entry);
  if (modules.length === 0) return;
  writeFileSync(
    join(outputDir, 'package.json'),
    JSON.stringify({ dependencies: requestedVersions(modules) }),
  );
  copyFileSync(join(PROJECT_ROOT, 'package-lock.json'), join(outputDir, 'package-lock.json'));
  execFileSync('npm', ['ci'], { cwd: outputDir, stdio: ['ignore', process.stderr, 'inherit'] });
};

// `node --import tsx lib/bundle-function.ts <entry> <outputDir>`: the CDK construct's bundling.
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [entry, outputDir] = process.argv.slice(2);
  if (entry === undefined || outputDir === undefined) {
    throw new Error('usage: bundle-function.ts <entry> <outputDir>');
  }
  await bundleFunctionInto(entry, outputDir);
}
