import { describe, expect, it } from 'vitest';
import { loadRuntimeConfig } from '../../lambdas/composition/runtime-config.js';
import { parseAppConfig } from '../../lib/config.js';
import { dependencyCycle } from '../support/dependency-cycle.js';
import { synthStack } from '../support/synth-stack.js';

describe('the environment cdk deploy gives the functions', () => {
  it('is one every function accepts at init with the context at its bounds', () => {
    const { functions } = synthStack({
      historyTokenBudget: '0',
      apiKeyCacheTtlSeconds: '0',
      tenantRequestsPerMinute: '0',
      retrievalMinScore: '-1',
    });

    expect(functions.length).toBeGreaterThan(5);
    for (const fn of functions) expect(() => loadRuntimeConfig(fn.env), fn.logicalId).not.toThrow();
  });

  it('fails a version on the receive the dead-letter queue takes its message at', () => {
    const { fn, resource } = synthStack({});
    const queue = resource('AWS::SQS::Queue', 'IngestionQueue') as {
      RedrivePolicy: { maxReceiveCount: number };
    };

    expect(loadRuntimeConfig(fn('IngestionIndexer').env).MAX_RECEIVE_COUNT).toBe(
      queue.RedrivePolicy.maxReceiveCount,
    );
  });

  it.each([
    ['defaults', {}],
    [
      'a short timeout, a long window',
      { indexerTimeoutSeconds: '10', indexerBatchWindowSeconds: '300' },
    ],
  ])(
    'keeps messages invisible for six indexer timeouts plus the batching window (%s)',
    (_, context) => {
      const { fn, resource } = synthStack(context);
      const mapping = resource('AWS::Lambda::EventSourceMapping');
      const queue = resource('AWS::SQS::Queue', 'IngestionQueue');

      expect(Number(queue.VisibilityTimeout)).toBe(
        6 * fn('IngestionIndexer').timeoutSeconds + Number(mapping.MaximumBatchingWindowInSeconds),
      );
    },
  );
});

describe('the deployed public function', () => {
  it('is given the streaming function URL (STREAM_URL) for its OpenAPI document', () => {
    // Arrange
    const { resources } = synthStack({});
    const publicFunction = Object.entries(resources).find(
      ([id, resource]) => resource.Type === 'AWS::Lambda::Function' && id.startsWith('PublicApi'),
    )?.[1];
    const functionUrlId = Object.entries(resources).find(
      ([, resource]) => resource.Type === 'AWS::Lambda::Url',
    )?.[0];

    // Act
    const streamUrl = (
      publicFunction?.Properties.Environment as { Variables: Record<string, unknown> } | undefined
    )?.Variables.STREAM_URL;

    // Assert
    expect(streamUrl).toEqual({ 'Fn::GetAtt': [functionUrlId, 'FunctionUrl'] });
  });
});

describe('the deployed template', () => {
  it('has no dependency cycle (Ref, Fn::GetAtt, DependsOn), so CloudFormation can order it', () => {
    const { resources } = synthStack({});

    expect(dependencyCycle(resources)).toEqual([]);
  });
});

describe('parseAppConfig refuses', () => {
  it.each([
    ['a blank number (an unset shell variable)', { tenantRequestsPerMinute: '' }],
    ['a null number in cdk.json', { tenantConcurrentStreams: null }],
    ['a blank runtime setting', { runtimeSettings: '{"CHAT_TEMPERATURE":""}' }],
  ])('%s, instead of deploying 0', (_, context) => {
    expect(() => parseAppConfig(context)).toThrow(/must (be a number|not be empty)/);
  });

  it('a stale threshold under the queue visibility timeout, naming the timeout', () => {
    expect(() => parseAppConfig({ indexerTimeoutSeconds: '300' })).toThrow(
      "reconcileStaleAfterSeconds: must be at least the indexing queue's visibility timeout, 1805 s",
    );
  });

  it("a stream log TTL that a running answer's marker could outlive", () => {
    expect(() =>
      parseAppConfig({
        streamTimeoutSeconds: '900',
        runtimeSettings: '{"STREAM_LOG_TTL_SECONDS":60}',
      }),
    ).toThrow('STREAM_LOG_TTL_SECONDS: must be at least streamTimeoutSeconds + 60 (960)');
  });

  it('a priming timeout longer than Lambda lets an init wait', () => {
    expect(() => parseAppConfig({ runtimeSettings: '{"PRIME_TIMEOUT_MS":60000}' })).toThrow(
      'PRIME_TIMEOUT_MS: at most 5000',
    );
  });

  it('a previous collection that is the collection itself', () => {
    expect(() =>
      parseAppConfig({ qdrantCollection: 'chunks', qdrantPreviousCollection: 'chunks' }),
    ).toThrow('qdrantPreviousCollection: must name another collection');
  });
});
