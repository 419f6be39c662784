import { CfnResource, RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type AppConfig, toRetentionDays } from '../config.js';

/**
 * The functions CDK adds for its own custom resources (the S3 bucket notifications singleton,
 * with `retainData` off the auto-delete-objects provider): raw `AWS::Lambda::Function`
 * resources, not `CfnFunction`s, that no construct prop gives a log group.
 */
const cdkProvidedFunctions = (stack: Stack): CfnResource[] =>
  stack.node
    .findAll()
    .filter(
      (child): child is CfnResource =>
        child instanceof CfnResource &&
        !(child instanceof CfnFunction) &&
        child.cfnResourceType === 'AWS::Lambda::Function',
    );

/** Properties of {@link CdkFunctionLogs}. */
export interface CdkFunctionLogsProps {
  /** The deployment configuration: log retention, data retention. */
  config: AppConfig;
}

/**
 * A log group with the configured retention for each function CDK adds to the stack for its
 * custom resources, set as the function's `LoggingConfig.LogGroup` as `NodeFunction` sets its
 * own: without one, Lambda creates `/aws/lambda/<name>` on the first invocation and keeps its
 * logs forever. The log group is referenced by the function, so it exists before any
 * invocation. Build it last: it covers the functions already in the stack.
 *
 * @example
 * new CdkFunctionLogs(this, 'CdkFunctionLogs', { config });
 */
export class CdkFunctionLogs extends Construct {
  /** The log groups added, one per CDK-provided function. */
  readonly logGroups: LogGroup[];

  constructor(scope: Stack, id: string, props: CdkFunctionLogsProps) {
    super(scope, id);
    const { config } = props;
    this.logGroups = cdkProvidedFunctions(scope).map((fn) => {
      const pathInStack = fn.node.scopes.slice(scope.node.scopes.length).map((c) => c.node.id);
      const logGroup = new LogGroup(this, pathInStack.join('-'), {
        retention: toRetentionDays(config.logRetentionDays),
        removalPolicy: config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      fn.addPropertyOverride('LoggingConfig.LogGroup', logGroup.logGroupName);
      return logGroup;
    });
  }
}
