import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  Code,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AppConfig, toRetentionDays } from '../config.js';

/** The project root: every handler entry and the lock file are resolved against it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The script that builds a function's asset, relative to the project root. */
const BUNDLE_SCRIPT = 'lib/bundle-function.ts';

/**
 * Builds the function of `entry` into `outputDir` with `lib/bundle-function.ts` (esbuild's
 * API, so that the bundles' esbuild plugins run), in a child process of the Node.js running the
 * CDK app (CDK bundling is synchronous, esbuild's API is not), through tsx as the app itself.
 */
const bundleLocally = (entry: string, outputDir: string): boolean => {
  execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(PROJECT_ROOT, BUNDLE_SCRIPT), entry, outputDir],
    { cwd: PROJECT_ROOT, stdio: ['ignore', process.stderr, 'inherit'] },
  );
  return true;
};

/** Properties of a {@link NodeFunction}. */
export interface NodeFunctionProps {
  /** Handler source file, relative to the project root (e.g. `lambdas/handlers/chat-api.ts`). */
  entry: string;
  /** What the function does, shown in the console. */
  description: string;
  /** The deployment configuration: memory, log retention and level, data retention, name. */
  config: AppConfig;
  /** Timeout in seconds. */
  timeoutSeconds: number;
  /** Environment variables (never secret values: only names, URLs and secret ARNs). */
  environment?: Record<string, string>;
  /** Concurrent executions reserved for (and capping) the function; unset: none. */
  reservedConcurrentExecutions?: number | undefined;
}

/**
 * A Node.js Lambda function with the project's shared defaults: Node.js 24 on arm64 (Graviton,
 * cheaper per GB-second), an ESM bundle built locally by esbuild (no Docker), minified with
 * source maps, JSON logs at the configured level into its own log group with a retention
 * period, active X-Ray tracing, and a role that starts with nothing but write access to that
 * log group (no AWS managed policy).
 *
 * The AWS SDK v3 clients are **bundled** instead of taken from the
 * runtime: the deployed code then runs exactly the versions pinned in `package-lock.json` and
 * exercised by the tests (the runtime's copy changes under you, and `@aws-sdk/lib-dynamodb`
 * must match its client's version); tree-shaken and minified, the bundled clients also cost
 * less init time than loading the runtime's full, unminified packages from disk. The esbuild
 * settings are `FUNCTION_BUNDLING` (`lib/bundling.ts`), shared with the bench and the bundle
 * size test. The asset is built by `lib/bundle-function.ts` through esbuild's API, not the
 * esbuild command line that CDK's `NodejsFunction` runs, because the bundles use an esbuild
 * plugin (`unusedOpenAiResources`: the OpenAI client without the resources the functions never
 * call), which the command line cannot load. Its externals are only packages the SDK imports
 * on demand on paths Lambda never takes, and the lazy modules (each budget's `lazy`: pdf.js,
 * loaded on the first PDF; the table of HTML character references, loaded on the first HTML
 * document; the DynamoDB client of the public function's deep health check), installed beside
 * the bundle of the functions whose budget lists them (`npm ci` from the lock file, as
 * `NodejsFunction`'s `nodeModules` did).
 *
 * `keepNames` is off (see `FUNCTION_BUNDLING`): stack traces keep function names through the
 * source map, which maps the project's own code only (`ownCodeSourceMap`: the dependencies'
 * mappings made a first error's stack cost 90–150 ms to format), and the bundled code that
 * reads a class name at run time is listed, with why each read is harmless, in
 * `CLASS_NAME_READERS`.
 *
 * @example
 * const chat = new NodeFunction(this, 'Chat', {
 *   entry: 'lambdas/handlers/chat-api.ts',
 *   description: 'Buffered chat',
 *   config,
 *   timeoutSeconds: config.apiTimeoutSeconds,
 *   environment: { TABLE_NAME: table.tableName },
 * });
 * table.grantReadWriteData(chat.function);
 */
export class NodeFunction extends Construct {
  /** The Lambda function. */
  readonly function: LambdaFunction;
  /** The function's log group (JSON logs, configured retention). */
  readonly logGroup: LogGroup;
  /** The function's execution role; grants add to it. */
  readonly role: Role;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const { config } = props;

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: toRetentionDays(config.logRetentionDays),
      removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: Code.fromAsset(PROJECT_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the bundle is always built locally (no Docker). The command is what
          // the image would run; it also tells CDK's bundling cache the functions apart (the
          // local bundler, a function, is not part of the cache key).
          image: Runtime.NODEJS_24_X.bundlingImage,
          command: ['node', '--import', 'tsx', BUNDLE_SCRIPT, props.entry, '/asset-output'],
          local: { tryBundle: (outputDir) => bundleLocally(props.entry, outputDir) },
        },
      }),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: config.memorySize,
      timeout: Duration.seconds(props.timeoutSeconds),
      ...(props.reservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrentExecutions }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[config.logLevel],
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: config.appName,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which ' +
        'support no resource-level permissions, so AWS requires Resource "*" for them.',
    });
  }
}
