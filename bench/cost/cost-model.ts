/**
 * The cost arithmetic of the benchmark: from usage counted during a run and a dated price table
 * (`bench/prices.json`) to dollars. Pure functions, no I/O.
 */

/** The price table `bench/prices.json` holds (USD, one region and architecture). */
export interface PriceTable {
  date: string;
  region: string;
  architecture: string;
  sources: Record<string, string>;
  lambda: {
    perGbSecond: number;
    perMillionRequests: number;
    functionUrlPerMillionRequests: number;
  };
  apiGateway: { httpApiPerMillionRequests: number };
  dynamodb: { perMillionWriteUnits: number; perMillionReadUnits: number };
  sqs: { perMillionRequests: number };
  s3: { perThousandWrites: number; perThousandReads: number };
  secretsManager: { perSecretMonth: number; perTenThousandCalls: number };
  cloudwatch: { perAlarmMonth: number };
  xray: { perMillionTracesRecorded: number };
  models: Record<string, { inputPerMillionTokens: number; outputPerMillionTokens: number }>;
}

/** One function's invocations during the counted work. */
export interface FunctionUsage {
  name: string;
  /** The configured memory, in MB (from the synthesized template). */
  memoryMb: number;
  /** Each invocation's measured duration (init included for a cold one), in ms. */
  durationsMs: readonly number[];
}

/** Model tokens of one model, as the model's replies reported them. */
export interface TokenUsage {
  model: string;
  input: number;
  output: number;
}

/** Everything a piece of work used, counted during a run. */
export interface CountedUsage {
  functions: readonly FunctionUsage[];
  httpApiRequests: number;
  functionUrlRequests: number;
  dynamodb: { readUnits: number; writeUnits: number };
  sqsRequests: number;
  s3: { reads: number; writes: number };
  secretsManagerCalls: number;
  /** Traces X-Ray records (requests × the sampled share). */
  xrayTraces: number;
  tokens: readonly TokenUsage[];
}

/** Dollars per item of the bill, and their sum. */
export interface CostBreakdown {
  lambdaCompute: number;
  lambdaRequests: number;
  httpApi: number;
  functionUrl: number;
  dynamodb: number;
  sqs: number;
  s3: number;
  secretsManager: number;
  xray: number;
  models: number;
  total: number;
}

/** An empty {@link CountedUsage}, to build on. */
export const noUsage = (): CountedUsage => ({
  functions: [],
  httpApiRequests: 0,
  functionUrlRequests: 0,
  dynamodb: { readUnits: 0, writeUnits: 0 },
  sqsRequests: 0,
  s3: { reads: 0, writes: 0 },
  secretsManagerCalls: 0,
  xrayTraces: 0,
  tokens: [],
});

const MILLION = 1_000_000;

/**
 * Lambda GB-seconds of `usage`: each invocation's duration rounded up to the millisecond, as
 * Lambda bills it, times the function's memory in GB.
 *
 * @example
 * gbSeconds([{ name: 'chat', memoryMb: 1024, durationsMs: [99.2] }]); // 0.1
 */
export const gbSeconds = (functions: readonly FunctionUsage[]): number =>
  functions.reduce(
    (sum, fn) =>
      sum +
      (fn.durationsMs.reduce((ms, duration) => ms + Math.ceil(duration), 0) / 1000) *
        (fn.memoryMb / 1024),
    0,
  );

/**
 * What `usage` costs at `prices`, item by item.
 *
 * @throws RangeError when a model of `usage.tokens` has no price in the table.
 * @example
 * costOf({ ...noUsage(), httpApiRequests: 1_000_000 }, prices).httpApi; // 1.0
 */
export const costOf = (usage: CountedUsage, prices: PriceTable): CostBreakdown => {
  const invocations = usage.functions.reduce((sum, fn) => sum + fn.durationsMs.length, 0);
  const models = usage.tokens.reduce((sum, { model, input, output }) => {
    const price = prices.models[model];
    if (!price) throw new RangeError(`no price for the model ${model} in the price table`);
    return (
      sum + (input * price.inputPerMillionTokens + output * price.outputPerMillionTokens) / MILLION
    );
  }, 0);
  const items = {
    lambdaCompute: gbSeconds(usage.functions) * prices.lambda.perGbSecond,
    lambdaRequests: (invocations * prices.lambda.perMillionRequests) / MILLION,
    httpApi: (usage.httpApiRequests * prices.apiGateway.httpApiPerMillionRequests) / MILLION,
    functionUrl:
      (usage.functionUrlRequests * prices.lambda.functionUrlPerMillionRequests) / MILLION,
    dynamodb:
      (usage.dynamodb.readUnits * prices.dynamodb.perMillionReadUnits +
        usage.dynamodb.writeUnits * prices.dynamodb.perMillionWriteUnits) /
      MILLION,
    sqs: (usage.sqsRequests * prices.sqs.perMillionRequests) / MILLION,
    s3:
      (usage.s3.reads * prices.s3.perThousandReads +
        usage.s3.writes * prices.s3.perThousandWrites) /
      1000,
    secretsManager:
      (usage.secretsManagerCalls * prices.secretsManager.perTenThousandCalls) / 10_000,
    xray: (usage.xrayTraces * prices.xray.perMillionTracesRecorded) / MILLION,
    models,
  };
  const total = Object.values(items).reduce((sum, value) => sum + value, 0);
  return { ...items, total };
};

/**
 * `breakdown` scaled from `units` pieces of work to `per` (e.g. a run of 40 chats to 1 000).
 *
 * @example
 * scaleCost(costOf(usageOf40Chats, prices), 40, 1000).total;
 */
export const scaleCost = (breakdown: CostBreakdown, units: number, per: number): CostBreakdown =>
  Object.fromEntries(
    Object.entries(breakdown).map(([item, value]) => [item, (value / units) * per]),
  ) as unknown as CostBreakdown;

/** Hours in a month as AWS prorates monthly prices (730). */
export const HOURS_PER_MONTH = 730;

/** What the deployed stack holds and does while nobody calls it. */
export interface IdleStack {
  /** CloudWatch alarms in the template. */
  alarms: number;
  /** Secrets the template creates (secrets the user brings are theirs either way). */
  secrets: number;
  /** What the stack does by itself in one day: scheduled invocations, queue polls. */
  perDay: CountedUsage;
}

/** The idle cost of a day, item by item. */
export interface IdleCost {
  alarms: number;
  secrets: number;
  /** {@link costOf} the day's own activity. */
  activity: CostBreakdown;
  total: number;
}

/**
 * What the stack costs per day with no traffic: alarms and secrets prorated from their monthly
 * price, plus its own activity (the scheduled reconciler, the event source's queue polls).
 *
 * @example
 * idleCostPerDay({ alarms: 1, secrets: 0, perDay: noUsage() }, prices).total; // 0.1 × 24 / 730
 */
export const idleCostPerDay = (stack: IdleStack, prices: PriceTable): IdleCost => {
  const day = 24 / HOURS_PER_MONTH;
  const alarms = stack.alarms * prices.cloudwatch.perAlarmMonth * day;
  const secrets = stack.secrets * prices.secretsManager.perSecretMonth * day;
  const activity = costOf(stack.perDay, prices);
  return { alarms, secrets, activity, total: alarms + secrets + activity.total };
};
