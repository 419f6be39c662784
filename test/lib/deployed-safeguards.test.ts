import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { cdkJsonContext } from '../support/cdk-json-context.js';

/**
 * Safeguards of what `cdk deploy` ships, read on the template `npm run deploy` synthesizes:
 * alarms that can notify, a reconciler that runs once per schedule tick, object grants that
 * keep the internet-facing functions out of the drop folders.
 */

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: unknown;
}

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

let resources: Record<string, Resource>;

/** The template as `npm run deploy` synthesizes it (cdk.json's context, an alarm email). */
const synthesize = (context: Record<string, unknown> = {}): Record<string, Resource> => {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      qdrantUrl: 'https://qdrant.example.com',
      alarmEmail: 'ops@example.com',
      ...context,
    },
  });
  const stack = new RagApiStack(app, 'SafeguardsStack', { config: loadAppConfig(app.node) });
  return Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
};

const ofType = (type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);

const actionsOf = (statement: Statement): string[] =>
  [statement.Action].flat().map((action) => action.toLowerCase());

beforeAll(() => {
  resources = synthesize();
});

describe('AlarmNotifications', () => {
  /*
   * CDK's `enforceSSL` writes an AWS::SNS::TopicPolicy, which REPLACES the topic's default access
   * policy (the one allowing the owning account, `AWS:SourceOwner`). What is left is a single
   * Deny statement: no statement allows anyone to publish. CloudWatch publishes an alarm action
   * as the service (`cloudwatch.amazonaws.com`, source ARN the alarm), which needs an Allow in the
   * topic's resource policy; without one the alarm history shows "…alarm:… is not authorized to
   * perform: SNS:Publish … because no resource-based policy allows the SNS:Publish action" and
   * nothing reaches alarmEmail. The dead-letter alarm, the stack's only alarm, never notifies.
   */
  it('lets CloudWatch publish the dead-letter alarm to the topic it notifies', () => {
    const [[alarmId, alarm] = ['', { Type: '' }]] = ofType('AWS::CloudWatch::Alarm');
    const [topicRef] = (alarm.Properties?.AlarmActions as { Ref: string }[]) ?? [];
    const policies = ofType('AWS::SNS::TopicPolicy').filter(([, policy]) =>
      JSON.stringify(policy.Properties?.Topics).includes(topicRef?.Ref ?? '<none>'),
    );
    const statements = policies.flatMap(
      ([, policy]) =>
        (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement ??
        [],
    );

    // The topic carries a resource policy (so the default one is gone) …
    expect(alarmId).not.toBe('');
    expect(policies).toHaveLength(1);
    // … and that policy must allow CloudWatch (or the account) to publish to it.
    const allowsCloudWatch = statements.some(
      (statement) =>
        statement.Effect === 'Allow' &&
        actionsOf(statement).some((action) => action === 'sns:publish' || action === 'sns:*') &&
        /cloudwatch\.amazonaws\.com|AWS::AccountId|:root/.test(JSON.stringify(statement.Principal)),
    );
    expect(allowsCloudWatch, JSON.stringify(statements)).toBe(true);
  });
});

describe('Reconciler', () => {
  /*
   * EventBridge invokes the reconciler asynchronously. The target's `retryAttempts: 0` only
   * stops EventBridge from re-delivering an invocation it could not hand to Lambda; a run that
   * throws or times out (120 s, fixed) is retried by Lambda's own asynchronous invocation
   * config, twice by default (about 1 and 2 minutes later). The construct says "the schedule
   * is its retry: a failed run is the next run's work", yet each failing run becomes three, which
   * overlap the next scheduled runs (re-queues sent twice, deletions raced by two runs, three
   * times the Lambda time of a run that times out on a large backlog).
   */
  it("turns off Lambda's own retries of a failed run (the schedule is the retry)", () => {
    const [[reconcilerId] = ['']] = ofType('AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('ReconcilerReconcileFunction'),
    );
    const invokeConfigs = ofType('AWS::Lambda::EventInvokeConfig').filter(([, config]) =>
      JSON.stringify(config.Properties?.FunctionName).includes(reconcilerId),
    );

    expect(reconcilerId).not.toBe('');
    expect(invokeConfigs.map(([, config]) => config.Properties?.MaximumRetryAttempts)).toEqual([0]);
  });
});

describe('IngestionPipeline object grants', () => {
  /*
   * The documents function writes raw versions and page texts under `tenants/<t>/documents/`,
   * signs presigned PUTs for `tenants/<t>/uploads/`, and deletes those two folders of a deleted
   * document; the reconciler deletes the same two folders and discards stray uploads. Neither
   * ever touches another key, yet both get their object actions on `bucket/*`: a bug or a
   * compromised function (the documents one faces the internet) can delete or overwrite any
   * tenant's drop-folder files (`tenants/<t>/inbox/…`), whose removal the indexer turns into the
   * deletion of that tenant's document, and whose writing becomes a new version.
   */
  it.each([
    ['DocumentsApiRole', ['s3:PutObject', 's3:DeleteObject']],
    ['ReconcilerReconcileRole', ['s3:DeleteObject']],
  ])('keeps the object writes of %s inside the document and upload folders', (role, actions) => {
    const statements = ofType('AWS::IAM::Policy')
      .filter(([id]) => id.startsWith(role))
      .flatMap(
        ([, policy]) =>
          (policy.Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)
            ?.Statement ?? [],
      );
    const objectWrites = statements.filter((statement) =>
      actionsOf(statement).some((action) => actions.map((a) => a.toLowerCase()).includes(action)),
    );
    const keyPatterns = objectWrites.flatMap((statement) =>
      [(statement as unknown as { Resource: unknown }).Resource]
        .flat()
        .map((resource) => JSON.stringify(resource).match(/"(\/[^"]*)"\]\]\}$/)?.[1] ?? '?'),
    );

    expect(objectWrites.length).toBeGreaterThan(0);
    expect(keyPatterns.sort()).toEqual(['/tenants/*/documents/*/*', '/tenants/*/uploads/*/*']);
  });
});
