/**
 * The esbuild settings of every function bundle, in one place: the CDK `NodeFunction` construct
 * builds with them, and so do the bench (`bench/cold-start/build.ts`) and the bundle size test,
 * so what is measured is what is deployed.
 */

/**
 * Lets CommonJS dependencies that call `require` (for Node built-ins) run inside the ESM bundle.
 * esbuild renames its own helpers, so this top-level `require` cannot collide with bundled code.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Packages the AWS SDK loads only through `import()`, on paths a Lambda function never takes,
 * left out of the bundles (about 100 KB of each):
 *
 * - the credential providers after the first link of the SDK's default chain: Lambda always
 *   puts the execution role's credentials in the environment (`AWS_ACCESS_KEY_ID`, …), which
 *   the chain's first link (`fromEnv`, bundled) reads, so SSO, profile files, credential
 *   processes, web identity tokens and instance metadata are never reached;
 * - event stream serde, which `@smithy/core` loads for operations with event streams:
 *   DynamoDB, S3 (`GetObject`, `PutObject`, …), SQS and Secrets Manager calls have none.
 *
 * Were one reached anyway, the `import()` would fail with "Cannot find package" and the call
 * with it. The bundle size test checks that these stay `import()`s in the output (a static
 * import of one would break the function at load), and the artifact tests run every bundle,
 * credentials from the environment, against the AWS stand-ins.
 */
export const ON_DEMAND_EXTERNALS: readonly string[] = [
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-web-identity',
  '@smithy/credential-provider-imds',
  '@smithy/core/event-streams',
];

/**
 * Module aliases of the bundles, relative to the project root:
 *
 * - `@qdrant/js-client-rest` → the client's own fetch-only build (its `browser` entry, the same
 *   client): the Node build wraps every request in an `undici` `Agent` of its own (500 KB
 *   bundled), which Node 24's `fetch` does not need (its global dispatcher keeps connections
 *   alive); timeouts stay with the client's `AbortSignal`. Tests and the local stack run the
 *   Node build; the artifact tests run the bundles against the Qdrant stand-in.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@qdrant/js-client-rest': './node_modules/@qdrant/js-client-rest/dist/browser/index.js',
};

/** The esbuild options every function bundle shares (besides its entry and output). */
export const FUNCTION_BUNDLING = {
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  external: ON_DEMAND_EXTERNALS,
  alias: BUNDLE_ALIASES,
} as const;
