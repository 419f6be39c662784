import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { AppConfig } from '../config.js';
import { NodeFunction } from './node-function.js';

/** Properties of a {@link Reconciler}. */
export interface ReconcilerProps {
  config: AppConfig;
  /** Environment of the function: the table, bucket and queue, the Qdrant secret's ARN. */
  environment: Record<string, string>;
}

/**
 * The reconciler: a function an EventBridge rule runs every `reconcileIntervalMinutes`, which
 * finishes ingestion work left behind (documents stale in `queued`, `indexing` or `deleting`:
 * see `ReconcileDocuments`). The schedule is its retry: a failed run is the next run's work.
 *
 * @example
 * const reconciler = new Reconciler(this, 'Reconciler', { config, environment });
 * table.grantItemActions(reconciler.function.function, ['dynamodb:Query', 'dynamodb:UpdateItem']);
 */
export class Reconciler extends Construct {
  /** The scheduled function. */
  readonly function: NodeFunction;
  /** The schedule that runs it. */
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    this.function = new NodeFunction(this, 'Reconcile', {
      entry: 'lambdas/handlers/reconcile-documents.ts',
      description: 'Re-queues stale documents, fails those past their attempts, finishes deletions',
      config: props.config,
      timeoutSeconds: 120,
      environment: props.environment,
    });
    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the reconciler of stale documents',
      schedule: Schedule.rate(Duration.minutes(props.config.reconcileIntervalMinutes)),
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 0 })],
    });
    // The target's retryAttempts covers EventBridge's delivery only; Lambda retries a failed
    // asynchronous run twice by itself, runs that would overlap the next scheduled ones.
    this.function.function.configureAsyncInvoke({ retryAttempts: 0 });
  }
}
