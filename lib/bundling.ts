/**
 * The esbuild settings of every function bundle, in one place: the CDK `NodeFunction` construct
 * builds with them, and so do the bench (`bench/cold-start/build.ts`) and the bundle size test,
 * so what is measured is what is deployed.
 */

import { unusedOpenAiResources } from './unused-openai-resources.js';

/**
 * Lets CommonJS dependencies that call `require` (for Node built-ins) run inside the ESM bundle.
 * esbuild renames its own helpers, so this top-level `require` cannot collide with bundled code.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

/**
 * Packages the AWS SDK loads only through `import()`, on paths a Lambda function never takes,
 * left out of the bundles (about 100 KB of each): the credential providers after the first
 * link of the SDK's default chain. Lambda always puts the execution role's credentials in the
 * environment (`AWS_ACCESS_KEY_ID`, …), which the chain's first link (`fromEnv`, bundled)
 * reads, so SSO, profile files, credential processes, web identity tokens and instance
 * metadata are never reached. (Event stream serde, also loaded on demand by DynamoDB's
 * protocol, stays: the S3 client imports it statically.)
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
];

/**
 * Modules of the project that only the local stack, the tests and the scripts load, through
 * `import()` on a path a Lambda function never takes, left out of the bundles as esbuild
 * external patterns: the embedded vector store (with its change log and lexical index, 8–9 KB
 * per function), which `composeVectorStore` refuses on Lambda before importing it
 * (every container would index into its own memory), and the offline provider's models (the
 * hashed-feature embedder and the extractive chat model, about 7 KB of each function that calls
 * a model), which `composeEmbedder` and `composeChatModel` refuse on Lambda before importing
 * them (the stack gives every such function an OpenAI key). The bundle test checks that they
 * stay `import()`s and that nothing of them is bundled.
 */
export const LOCAL_ONLY_MODULES: readonly string[] = [
  '*/adapters/embedded/embedded-vector-store.js',
  '*/adapters/offline/hashed-feature-embedder.js',
  '*/adapters/offline/extractive-chat-model.js',
];

/**
 * Whether a bundle's `import()` of `path` is one of {@link LOCAL_ONLY_MODULES} (each pattern a
 * star, then the end of the path).
 *
 * @example
 * isLocalOnlyImport('../adapters/embedded/embedded-vector-store.js') // true
 */
export const isLocalOnlyImport = (path: string): boolean =>
  LOCAL_ONLY_MODULES.some((pattern) => path.endsWith(pattern.replace(/^\*/, '')));

/**
 * The Node built-ins the bundles take through `process.getBuiltinModule` instead of an ES
 * import, whose facade runs every getter of the module (`lambdas/bundle-shims/README.md` has
 * the measurements): aliased, with and without `node:`, to `lambdas/bundle-shims/<name>`.
 */
export const BUILTINS_THROUGH_GET_BUILTIN_MODULE: readonly string[] = ['http'];

/**
 * Module aliases of the bundles, relative to the project root:
 *
 * - `node:http` (with and without the prefix) → a module that returns the built-in through
 *   `process.getBuiltinModule` ({@link BUILTINS_THROUGH_GET_BUILTIN_MODULE}): an ES import
 *   builds an ESM facade that reads every export, lazy getters included, and one of them loads
 *   Node's undici (50–60 ms here, against 10 ms through `getBuiltinModule`). The Qdrant
 *   client's constructor loads it too (it builds a `Headers`), so the documents function and
 *   the reconciler build their vector store on its first use (`composeVectorStoreOnFirstUse`):
 *   an upload, or a reconciler run with no halfway deletion, then never loads undici.
 * - `@qdrant/js-client-rest` → the client's own fetch-only build (its `browser` entry, the same
 *   client): the Node build wraps every request in an `undici` `Agent` of its own (500 KB
 *   bundled), which Node 24's `fetch` does not need (its global dispatcher keeps connections
 *   alive); timeouts stay with the client's `AbortSignal`. Tests and the local stack run the
 *   Node build; the artifact tests run the bundles against the Qdrant stand-in.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@qdrant/js-client-rest': './node_modules/@qdrant/js-client-rest/dist/browser/index.js',
  ...Object.fromEntries(
    BUILTINS_THROUGH_GET_BUILTIN_MODULE.flatMap((name) => [
      [`node:${name}`, `./lambdas/bundle-shims/${name}`],
      [name, `./lambdas/bundle-shims/${name}`],
    ]),
  ),
};

/**
 * The esbuild options every function bundle shares (besides its entry, its output, the
 * modules it loads on demand, {@link externalModulesOf}, and its aliases, {@link aliasesOf}).
 *
 * `keepNames` is off: it wraps every function and class of the bundle in a call that sets its
 * `name` again at load (60 KB of the indexer's 1 044 KB, and run at every cold start). Stack
 * traces keep files, lines and function names through the source map (a method's class shows
 * renamed: `r.run`); the project's error classes set `name` themselves; the few places of a bundled dependency that read a class's name at run time are
 * listed, with why each is harmless, in {@link CLASS_NAME_READERS}, and the bundle test fails
 * on a new one.
 *
 * `plugins`: {@link unusedOpenAiResources} leaves out the OpenAI client's resources the
 * functions never call (about 220 KB of each bundle that uses the client). Plugins run only
 * through esbuild's API, which is why the CDK construct builds with `lib/bundle-function.ts`.
 */
export const FUNCTION_BUNDLING = {
  platform: 'node',
  format: 'esm',
  target: 'node24',
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  keepNames: false,
  sourcemap: true,
  sourcesContent: false,
  external: ON_DEMAND_EXTERNALS,
  alias: BUNDLE_ALIASES,
  plugins: [unusedOpenAiResources],
} as const;

/**
 * The bundled files that read a class's `name` at run time (`constructor.name`), which
 * minification renames since `keepNames` is off, and why each is harmless. The bundle test
 * fails when a bundled file reads one and is not listed here.
 */
export const CLASS_NAME_READERS: Readonly<Record<string, string>> = {
  // Behaviour kept by an explicit setting instead of the class name.
  'node_modules/openai/client.mjs':
    "the User-Agent header (its class name, then `/JS`): the composition sets the SDK's own one",
  'node_modules/@smithy/core/dist-es/submodules/protocols/protocol-http/extensions/httpExtensionConfiguration.js':
    "whether the client's no-op logger replaces the HTTP handler's console (its socket-capacity " +
    'warnings): `awsClientSettings` gives the handler the console itself',
  // Names in messages and logs only.
  'node_modules/@qdrant/js-client-rest/dist/browser/index.js':
    "its errors' `name` (logged as a DependencyError's cause); the adapters test `instanceof`",
  'node_modules/@smithy/core/dist-es/submodules/protocols/HttpProtocol.js':
    'the message of an error thrown only for a protocol missing an implementation',
  'node_modules/@smithy/core/dist-es/submodules/serde/util-stream/sdk-stream-mixin.js':
    'the message of an error for a body stream of an unexpected class',
  'node_modules/@smithy/core/dist-es/submodules/serde/util-stream/sdk-stream-mixin.browser.js':
    'the same, in the browser variant',
  'node_modules/@smithy/core/dist-es/submodules/serde/util-stream/checksum/ChecksumStream.js':
    'the message of an error for a checksum source of an unexpected class',
  'node_modules/@smithy/core/dist-es/submodules/serde/util-stream/checksum/createChecksumStream.browser.js':
    'the same, in the browser variant',
  'node_modules/zod/v4/core/util.js': 'an error message naming the class of an unexpected value',
  'node_modules/zod/v4/core/schemas.js':
    'the message of an encode error (zod classes name themselves through `$constructor`)',
  // Warnings of paths the functions never take, then dropped by the no-op logger.
  'node_modules/@smithy/core/dist-es/submodules/schema/middleware/schemaDeserializationMiddleware.js':
    'a hint added to a deserialization error whose message cannot be changed',
  'node_modules/@aws-sdk/core/dist-es/submodules/client/middleware-user-agent/configurations.js':
    'an invalid `userAgentAppId` (none is set)',
  'node_modules/@aws-sdk/middleware-sdk-s3/dist-es/submodules/s3/middleware-region-redirect/bucket-endpoint-middleware.js':
    'an unparseable bucket with `bucketEndpoint` (never set)',
  'node_modules/@aws-sdk/credential-provider-node/dist-es/defaultProvider.js':
    'AWS_PROFILE set beside static credentials (Lambda sets no AWS_PROFILE)',
  'node_modules/@aws-sdk/lib-dynamodb/dist-es/DynamoDBDocumentClient.js':
    'a DynamoDB client built without its serializer (the table clients never are)',
  // Names compared with classes minification leaves alone, or with the class it renames.
  'node_modules/@aws-sdk/util-dynamodb/dist-es/convertToAttr.js':
    "built-in classes' names (Set, Map, Object, Uint8Array…), which minification keeps",
  'node_modules/@smithy/core/dist-es/submodules/serde/util-stream/stream-type-check.js':
    'the built-in ReadableStream and Blob, beside an `instanceof` test',
  'node_modules/@smithy/core/dist-es/submodules/client/smithy-client/exceptions.js':
    "`instanceof` of a service error, after the prototype test; a renamed class's name is " +
    'shorter than the six letters it requires',
  'node_modules/@aws-sdk/middleware-sdk-s3/dist-es/submodules/s3/middleware-expect-continue/middleware-expect-continue.js':
    "`Expect: 100-continue` unless the handler is the fetch one: it is Node's, whatever its name",
  'node_modules/@aws-lambda-powertools/batch/lib/esm/BasePartialProcessor.js':
    '`processSync` only, which the indexer never calls (it processes asynchronously)',
  'node_modules/openai/internal/to-file.mjs': 'file uploads, which the functions never make',
};

/** The size a function's bundle (`index.mjs`, minified) is held to. */
export interface BundleBudget {
  /** Handler source, relative to the project root. */
  entry: string;
  /** The target, in KB (1 024 bytes). */
  targetKb: number;
  /**
   * When the target is missed for a known cause: the size accepted instead, in KB, and why.
   * The bundle size test holds the function to this instead of the target.
   */
  accepted?: { kb: number; why: string };
  /**
   * Packages installed beside the bundle (CDK `nodeModules`: `node_modules/` in the function's
   * asset) instead of bundled into it, each with the size in KB of the files its first import
   * loads (held to 10% over it, like the bundle): code the function reaches only through
   * `import()` on a rare path, so the bundle Lambda loads at init stays small and the package
   * is read from disk the first time that path runs. The bundle size test fails when the bundle
   * imports one statically.
   */
  lazy?: Readonly<Record<string, number>>;
  /** Module aliases of this function only, beside {@link BUNDLE_ALIASES}, and why each. */
  aliases?: Readonly<Record<string, { to: string; why: string }>>;
}

/**
 * Every function's bundle budget, by the name the bench uses. The bundle size test
 * (`test/lib/bundling.test.ts`) fails when a bundle grows more than 10% past its budget.
 */
export const BUNDLE_BUDGETS: Readonly<Record<string, BundleBudget>> = {
  'public-api': {
    entry: 'lambdas/handlers/public-api.ts',
    targetKb: 250,
    lazy: { '@aws-sdk/client-dynamodb': 1_200 },
    aliases: {
      'node:http': {
        to: './lambdas/http/node-http-status-codes.ts',
        why:
          "Middy's util imports only STATUS_CODES from node:http, and Node 24 loads undici " +
          'with node:http; the public function makes no HTTP request (its deep health check ' +
          'loads the DynamoDB client, and with it node:http, on demand)',
      },
    },
  },
  'chat-api': { entry: 'lambdas/handlers/chat-api.ts', targetKb: 1024 },
  'documents-api': {
    entry: 'lambdas/handlers/documents-api.ts',
    targetKb: 700,
    lazy: { unpdf: 1_610, entities: 109 },
  },
  'stream-chat': { entry: 'lambdas/handlers/stream-chat.ts', targetKb: 1024 },
  'index-documents': {
    entry: 'lambdas/handlers/index-documents.ts',
    targetKb: 1024,
    lazy: { unpdf: 1_610, entities: 109 },
  },
  'reconcile-documents': { entry: 'lambdas/handlers/reconcile-documents.ts', targetKb: 700 },
};

/**
 * The packages to install beside the bundle of `entry`: the lazy modules its budget lists.
 *
 * @example
 * installedModules('lambdas/handlers/documents-api.ts') // ['unpdf', 'entities']
 */
export const installedModules = (entry: string): string[] =>
  Object.keys(budgetOf(entry)?.lazy ?? {});

/** The budget of the function whose handler is `entry`, if it has one. */
const budgetOf = (entry: string): BundleBudget | undefined =>
  Object.values(BUNDLE_BUDGETS).find((budget) => budget.entry === entry);

/**
 * Every package some function installs beside its bundle (the `lazy` of the budgets): pdf.js
 * (`unpdf`, about 1.6 MB, imported on the first PDF by `UnpdfReader`) and the HTML standard's
 * table of character references (`entities`, 31 KB bundled, imported on the first HTML
 * document by `EntitiesReferenceLoader`) for the documents and indexer functions, and the
 * DynamoDB client for the public function's deep health check.
 */
export const LAZY_MODULES: readonly string[] = [
  ...new Set(Object.values(BUNDLE_BUDGETS).flatMap((budget) => Object.keys(budget.lazy ?? {}))),
];

/**
 * The module aliases of the bundle of `entry`: {@link BUNDLE_ALIASES} and the function's own.
 *
 * @example
 * aliasesOf('lambdas/handlers/public-api.ts')['node:http'] // './lambdas/http/node-http-status-codes.ts'
 */
export const aliasesOf = (entry: string): Record<string, string> => ({
  ...BUNDLE_ALIASES,
  ...Object.fromEntries(
    Object.entries(budgetOf(entry)?.aliases ?? {}).map(([from, alias]) => [from, alias.to]),
  ),
});

/**
 * The packages left out of the bundle of `entry`: the credential providers no Lambda reaches
 * ({@link ON_DEMAND_EXTERNALS}), the project's local-only modules ({@link LOCAL_ONLY_MODULES})
 * and the function's own lazy modules.
 *
 * @example
 * externalModulesOf('lambdas/handlers/public-api.ts') // [...ON_DEMAND_EXTERNALS, ...LOCAL_ONLY_MODULES, '@aws-sdk/client-dynamodb']
 */
export const externalModulesOf = (entry: string): string[] => [
  ...ON_DEMAND_EXTERNALS,
  ...LOCAL_ONLY_MODULES,
  ...installedModules(entry),
];
