import type { Logger } from '@aws-lambda-powertools/logger';
import type { RuntimeConfig } from './runtime-config.js';

/** One cheap request that leaves a connection (and its TLS session) open for the first request. */
export type Primer = () => Promise<unknown>;

/** How each primer ended: answered, failed, or still running when init stopped waiting. */
export type PrimeOutcome = 'primed' | 'failed' | 'timed-out';

/**
 * Runs `primers` at once and waits for them at most `timeoutMs`; never throws, so a slow or
 * failing dependency never fails the init (the first request then opens its own connection).
 *
 * @example
 * await primeConnections({ dynamodb: () => keys.findByHash(PROBE) }, { timeoutMs: 1000 });
 */
export const primeConnections = async (
  primers: Readonly<Record<string, Primer>>,
  options: { timeoutMs: number; logger?: Pick<Logger, 'debug' | 'warn'> },
): Promise<Record<string, PrimeOutcome>> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), options.timeoutMs);
    timer.unref();
  });
  const started = performance.now();
  const entries = await Promise.all(
    Object.entries(primers).map(async ([name, prime]) => {
      const outcome = await Promise.race([
        Promise.resolve()
          .then(prime)
          .then(
            (): PrimeOutcome => 'primed',
            (error: unknown): PrimeOutcome => {
              options.logger?.warn('Priming a connection at init failed', {
                dependency: name,
                error,
              });
              return 'failed';
            },
          ),
        deadline,
      ]);
      return [name, outcome] as const;
    }),
  );
  clearTimeout(timer);
  const outcomes = Object.fromEntries(entries);
  const late = entries.filter(([, outcome]) => outcome === 'timed-out').map(([name]) => name);
  if (late.length > 0) {
    options.logger?.warn('Priming a connection at init timed out', {
      dependencies: late,
      timeoutMs: options.timeoutMs,
    });
  }
  options.logger?.debug('Primed connections at init', {
    outcomes,
    ms: Math.round(performance.now() - started),
  });
  return outcomes;
};

/**
 * Primes `primers` when this is a Lambda init (`AWS_LAMBDA_RUNTIME_API` set) and
 * `PRIME_CONNECTIONS` is on, bounded by `PRIME_TIMEOUT_MS`; does nothing elsewhere (tests, the
 * local stack), where the connections are local or already open.
 *
 * @example
 * await primeAtLambdaInit(config, { vectors: () => vectorStore.ensureReady() }, shared.logger);
 */
export const primeAtLambdaInit = async (
  config: Pick<RuntimeConfig, 'PRIME_CONNECTIONS' | 'PRIME_TIMEOUT_MS'>,
  primers: Readonly<Record<string, Primer>>,
  logger?: Pick<Logger, 'debug' | 'warn'>,
): Promise<void> => {
  if (!config.PRIME_CONNECTIONS || !process.env.AWS_LAMBDA_RUNTIME_API) return;
  await primeConnections(primers, {
    timeoutMs: config.PRIME_TIMEOUT_MS,
    ...(logger ? { logger } : {}),
  });
};

/**
 * The hash of no key: looking it up is the table read every authenticated first request starts
 * with (a `GetItem` the HTTP functions' roles allow), answered empty for half a read unit.
 */
export const PRIMING_KEY_HASH = '0'.repeat(64);

/** The word embedded at init to open the model's connection (one input token). */
export const PRIMING_TEXT = 'ready';
