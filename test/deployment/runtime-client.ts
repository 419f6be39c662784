import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder with the runtime client's own package.json and lock file. */
export const RUNTIME_CLIENT_DIR = fileURLToPath(new URL('./runtime-client/', import.meta.url));

/** The runtime client's entry point (the `aws-lambda-ric` bin). */
export const RUNTIME_CLIENT_ENTRY = join(
  RUNTIME_CLIENT_DIR,
  'node_modules/aws-lambda-ric/index.mjs',
);

const NATIVE_ADDON = join(RUNTIME_CLIENT_DIR, 'node_modules/aws-lambda-ric/rapid-client.node');

/**
 * Headers of the running Node.js, when they ship beside it (the `node` npm package does), so
 * node-gyp compiles the addon without downloading them.
 */
const localNodeHeaders = (): string | undefined => {
  const root = dirname(dirname(process.execPath));
  return existsSync(join(root, 'include/node/node_api.h')) ? root : undefined;
};

/**
 * Installs AWS's runtime interface client (`aws-lambda-ric`, pinned by its own lock file) on
 * first use, and reuses it afterwards. Its install compiles curl, aws-lambda-cpp and a native
 * addon (a few minutes on two cores), which is why it lives outside the project's main install.
 * Installed with the Node.js running the tests, which is the one the addon is built for.
 */
export const ensureRuntimeClient = (): string => {
  if (existsSync(NATIVE_ADDON)) return RUNTIME_CLIENT_ENTRY;
  const headers = localNodeHeaders();
  console.log('Installing aws-lambda-ric (first run: builds a native addon, a few minutes)…');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: RUNTIME_CLIENT_DIR,
    stdio: 'inherit',
    env: {
      ...process.env,
      // npm runs lifecycle scripts with the node that runs the tests (the addon's ABI).
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      ...(headers ? { npm_config_nodedir: headers } : {}),
    },
  });
  if (!existsSync(NATIVE_ADDON))
    throw new Error('aws-lambda-ric installed without its native addon');
  return RUNTIME_CLIENT_ENTRY;
};
