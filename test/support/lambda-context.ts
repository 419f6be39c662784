import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../lambdas/adapters/local/local-lambda-context.js';

/**
 * A Lambda context for tests, whose remaining time counts down from `timeoutMs`.
 *
 * @example
 * await handler(event, lambdaContext({ timeoutMs: 5_000 }));
 */
export const lambdaContext = (
  options: { functionName?: string; timeoutMs?: number } = {},
): Context =>
  localLambdaContext(options.functionName ?? 'test-function', options.timeoutMs ?? 30_000);
