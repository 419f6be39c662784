import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  primeAtLambdaInit,
  primeConnections,
  primeVectorStore,
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

  it('primes the vector store with two requests at once after its collection check', async () => {
    const calls: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const store = {
      ensureReady: async () => {
        calls.push('ensureReady');
      },
      count: async (tenantId: string) => {
        calls.push(`count ${tenantId}`);
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return 0;
      },
    };

    await primeVectorStore(store);

    expect(calls).toEqual(['ensureReady', 'count __priming__', 'count __priming__']);
    expect(mostInFlight).toBe(2);
  });
});
