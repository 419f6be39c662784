import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_AFTER_SECONDS,
  DependencyError,
} from '../../../lambdas/core/dependency-error.js';

describe('DependencyError', () => {
  it('tells the client when to retry a dependency that is unavailable', () => {
    const error = new DependencyError('qdrant', 'unavailable', 'rate limited (429)');

    expect(error.status).toBe(503);
    expect(error.headers['retry-after']).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
  });

  it("keeps the dependency's own Retry-After, rounded up to whole seconds", () => {
    const error = new DependencyError('openai', 'unavailable', 'rate limited', undefined, 2.5);

    expect(error.headers['retry-after']).toBe('3');
  });

  it('sets no Retry-After on a refusal or a timeout', () => {
    expect(new DependencyError('openai', 'bad-gateway', 'rejected').headers).toEqual({});
    expect(new DependencyError('openai', 'timeout', 'timed out').headers).toEqual({});
  });
});
