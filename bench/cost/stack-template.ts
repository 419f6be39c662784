import { statSync } from 'node:fs';
import { join } from 'node:path';
import { artifactFunctionOf } from '../../test/deployment/artifact-functions.js';
import { ARTIFACT_CDK_OUT, synthesize } from '../../test/deployment/artifact-stack.js';
import { readTemplate, templateFunctions } from '../../test/deployment/cloudformation-template.js';

/** What the cost section reads from the synthesized template. */
export interface StackFacts {
  /** Configured memory (MB) per function, by its artifact name (`ChatApi`, …). */
  memoryMb: Record<string, number>;
  alarms: number;
  /** Secrets the stack itself creates. */
  secrets: number;
  /** SQS event source mappings (each polls its queue while idle). */
  queuePollers: number;
  /** The largest batch an SQS event source hands the indexer. */
  indexerBatchSize: number;
  /** Minutes between the reconciler's scheduled runs. */
  reconcileEveryMinutes: number;
}

const count = (resources: Record<string, { Type: string }>, type: string) =>
  Object.values(resources).filter((resource) => resource.Type === type).length;

const STACK = 'rag-api';

/** The cloud assembly's template when it was written after `since` (epoch ms). */
const synthesizedSince = (since: number) => {
  try {
    const written = statSync(join(ARTIFACT_CDK_OUT, `${STACK}.template.json`)).mtimeMs;
    return written >= since ? readTemplate(ARTIFACT_CDK_OUT, STACK) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Synthesizes the app as `npm run synth` does (`cdk synth --quiet`, through the artifact tests'
 * helper; reused when it was done after `reuseSince`, e.g. by section 7 of the same run) and
 * reads the figures the bill depends on: memory, alarms, secrets, the queue's event source and
 * the reconciler's schedule.
 */
export const readStackFacts = (reuseSince = Number.POSITIVE_INFINITY): StackFacts => {
  const template = synthesizedSince(reuseSince) ?? synthesize(STACK);
  const memoryMb: Record<string, number> = {};
  for (const fn of templateFunctions(template, ARTIFACT_CDK_OUT)) {
    const known = artifactFunctionOf(fn.logicalId);
    if (known) memoryMb[known.name] = fn.memorySize;
  }
  const resources = template.Resources;
  const mappings = Object.values(resources).filter(
    (resource) => resource.Type === 'AWS::Lambda::EventSourceMapping',
  );
  const schedule = Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::Events::Rule')
    .map((resource) => String(resource.Properties?.ScheduleExpression ?? ''))
    .map((expression) => /^rate\((\d+) minutes?\)$/.exec(expression)?.[1])
    .find((minutes) => minutes !== undefined);
  return {
    memoryMb,
    alarms: count(resources, 'AWS::CloudWatch::Alarm'),
    secrets: count(resources, 'AWS::SecretsManager::Secret'),
    queuePollers: mappings.length,
    indexerBatchSize: Math.max(
      1,
      ...mappings.map((mapping) => Number(mapping.Properties?.BatchSize ?? 10)),
    ),
    reconcileEveryMinutes: Number(schedule ?? 5),
  };
};
