import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  type CountedUsage,
  costOf,
  gbSeconds,
  idleCostPerDay,
  noUsage,
  type PriceTable,
  scaleCost,
} from '../../bench/cost/cost-model.js';

const prices = JSON.parse(
  readFileSync(new URL('../../bench/prices.json', import.meta.url), 'utf8'),
) as PriceTable;

const usage = (overrides: Partial<CountedUsage>): CountedUsage => ({ ...noUsage(), ...overrides });

describe('cost model', () => {
  it('bills each invocation rounded up to the millisecond at the configured memory', () => {
    const seconds = gbSeconds([
      { name: 'chat', memoryMb: 1024, durationsMs: [99.2, 0.1] },
      { name: 'indexer', memoryMb: 2048, durationsMs: [500] },
    ]);

    expect(seconds).toBeCloseTo(0.101 + 1.0, 10);
  });

  it('prices GB-seconds and requests of Lambda from the table', () => {
    const cost = costOf(
      usage({ functions: [{ name: 'chat', memoryMb: 1024, durationsMs: [1000, 1000] }] }),
      prices,
    );

    expect(cost.lambdaCompute).toBeCloseTo(2 * prices.lambda.perGbSecond, 12);
    expect(cost.lambdaRequests).toBeCloseTo((2 * prices.lambda.perMillionRequests) / 1e6, 12);
  });

  it('prices DynamoDB read and write units apart', () => {
    const cost = costOf(
      usage({ dynamodb: { readUnits: 2_000_000, writeUnits: 1_000_000 } }),
      prices,
    );

    expect(cost.dynamodb).toBeCloseTo(
      2 * prices.dynamodb.perMillionReadUnits + prices.dynamodb.perMillionWriteUnits,
      10,
    );
  });

  it('prices model tokens by model, input and output apart', () => {
    const cost = costOf(
      usage({
        tokens: [
          { model: 'gpt-4o-mini', input: 1_000_000, output: 1_000_000 },
          { model: 'text-embedding-3-small', input: 1_000_000, output: 0 },
        ],
      }),
      prices,
    );

    const chat = prices.models['gpt-4o-mini']!;
    const embedding = prices.models['text-embedding-3-small']!;
    expect(cost.models).toBeCloseTo(
      chat.inputPerMillionTokens + chat.outputPerMillionTokens + embedding.inputPerMillionTokens,
      10,
    );
  });

  it('refuses a model the price table does not know', () => {
    expect(() =>
      costOf(usage({ tokens: [{ model: 'unpriced', input: 1, output: 1 }] }), prices),
    ).toThrow(/unpriced/);
  });

  it('sums every item into the total', () => {
    const cost = costOf(
      usage({
        httpApiRequests: 1_000,
        functionUrlRequests: 1_000,
        sqsRequests: 3_000,
        s3: { reads: 1_000, writes: 1_000 },
        secretsManagerCalls: 10_000,
        xrayTraces: 1_000,
      }),
      prices,
    );

    const { total, ...items } = cost;
    expect(total).toBeCloseTo(
      Object.values(items).reduce((sum, value) => sum + value, 0),
      12,
    );
    expect(cost.s3).toBeCloseTo(prices.s3.perThousandReads + prices.s3.perThousandWrites, 12);
    expect(cost.secretsManager).toBeCloseTo(prices.secretsManager.perTenThousandCalls, 12);
  });

  it('scales a run of some units to a thousand', () => {
    const cost = costOf(usage({ httpApiRequests: 40 }), prices);

    const perThousand = scaleCost(cost, 40, 1_000);

    expect(perThousand.httpApi).toBeCloseTo(
      (1_000 * prices.apiGateway.httpApiPerMillionRequests) / 1e6,
      12,
    );
    expect(perThousand.total).toBeCloseTo(perThousand.httpApi, 12);
  });

  it('prorates alarms and secrets per day and adds the stack’s own activity', () => {
    const perDay = usage({ sqsRequests: 21_600 });

    const idle = idleCostPerDay({ alarms: 2, secrets: 1, perDay }, prices);

    expect(idle.alarms).toBeCloseTo((2 * prices.cloudwatch.perAlarmMonth * 24) / 730, 12);
    expect(idle.secrets).toBeCloseTo((prices.secretsManager.perSecretMonth * 24) / 730, 12);
    expect(idle.activity.sqs).toBeCloseTo((21_600 * prices.sqs.perMillionRequests) / 1e6, 12);
    expect(idle.total).toBeCloseTo(idle.alarms + idle.secrets + idle.activity.total, 12);
  });

  it('costs nothing idle with no alarms, no secrets and no activity', () => {
    expect(idleCostPerDay({ alarms: 0, secrets: 0, perDay: noUsage() }, prices).total).toBe(0);
  });
});
