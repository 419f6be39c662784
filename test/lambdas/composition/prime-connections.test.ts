import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  primeAtLambdaInit,
  primeConnections,
} from '../../../lambdas/composition/prime-connections.js';

const never = () => new Promise<never>(() => {});

describe('primeConnections', () => {
  it('reports each dependency as primed, failed or still running at the deadline', async () => {
    const outcomes = await primeConnections(
      {
        dynamodb: async () => ({}),
        vectors: async () => {
          throw new Error('connection refused');
        },
        model: never,
      },
      { timeoutMs: 20 },
    );

    expect(outcomes).toEqual({ dynamodb: 'primed', vectors: 'failed', model: 'timed-out' });
  });
});

describe('primeAtLambdaInit', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const config = { PRIME_CONNECTIONS: true, PRIME_TIMEOUT_MS: 50 };

  it('primes during a Lambda init', async () => {
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', '127.0.0.1:9001');
    const prime = vi.fn(async () => ({}));

    await primeAtLambdaInit(config, { dynamodb: prime });

    expect(prime).toHaveBeenCalledOnce();
  });

  it('primes nothing outside Lambda', async () => {
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', '');
    const prime = vi.fn(async () => ({}));

    await primeAtLambdaInit(config, { dynamodb: prime });

    expect(prime).not.toHaveBeenCalled();
  });

  it('primes nothing when PRIME_CONNECTIONS is off', async () => {
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', '127.0.0.1:9001');
    const prime = vi.fn(async () => ({}));

    await primeAtLambdaInit({ ...config, PRIME_CONNECTIONS: false }, { dynamodb: prime });

    expect(prime).not.toHaveBeenCalled();
  });

  it('never fails the init, whatever the dependency does', async () => {
    vi.stubEnv('AWS_LAMBDA_RUNTIME_API', '127.0.0.1:9001');

    await expect(
      primeAtLambdaInit(config, {
        dynamodb: async () => {
          throw new Error('AccessDenied');
        },
        model: never,
      }),
    ).resolves.toBeUndefined();
  });
});
