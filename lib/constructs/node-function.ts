import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { aliasesOf, externalModulesOf, FUNCTION_BUNDLING, installedModules } from '../bundling.js';
import { type AppConfig, toRetentionDays } from '../config.js';

/** The project root: every handler entry and the lock file are resolved against it. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The shell command that keeps only the project's own code in a bundle's source map
 * (`lib/own-code-source-map.ts`, run by the Node.js 24 running the CDK app, types stripped).
 */
const ownCodeSourceMapCommand = (outputDir: string): string =>
  [
    process.execPath,
    path.join(PROJECT_ROOT, 'lib/own-code-source-map.ts'),
    path.join(outputDir, 'index.mjs.map'),
  ]
    .map((part) => JSON.stringify(part))
    .join(' ');

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
 * size test; its externals are only packages the SDK imports on demand on paths Lambda never
 * takes, and the lazy modules (each budget's `lazy`: pdf.js, loaded on the first PDF; the
 * table of HTML character references, loaded on the first HTML document; the DynamoDB client
 * of the public function's deep health check), installed beside the bundle of
 * the functions whose budget lists them.
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
  readonly function: NodejsFunction;
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

    const nodeModules = installedModules(props.entry);
    this.function = new NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
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
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLING.target,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        minify: FUNCTION_BUNDLING.minify,
        keepNames: FUNCTION_BUNDLING.keepNames,
        sourceMap: FUNCTION_BUNDLING.sourcemap,
        sourcesContent: FUNCTION_BUNDLING.sourcesContent,
        externalModules: externalModulesOf(props.entry),
        // Installed (npm, from the lock file's versions) into the asset's node_modules; with
        // none, no npm install runs and the asset holds only the bundle.
        ...(nodeModules.length === 0 ? {} : { nodeModules }),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir, outputDir) => [ownCodeSourceMapCommand(outputDir)],
        },
        esbuildArgs: {
          '--alias': Object.entries(aliasesOf(props.entry)).map(([from, to]) => `${from}=${to}`),
        },
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
