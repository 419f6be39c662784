import { readFileSync } from 'node:fs';

/**
 * The `context` of the project's `cdk.json` (feature flags included), which `cdk synth` and
 * `cdk deploy` apply but an `App` built in a test does not: tests pass it so that they check
 * the template that is deployed.
 *
 * @example
 * const app = new App({ context: { ...cdkJsonContext(), qdrantUrl: 'https://q.example.com' } });
 */
export const cdkJsonContext = (): Record<string, unknown> =>
  (
    JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
      context?: Record<string, unknown>;
    }
  ).context ?? {};
