import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (`npm run test:reliability`): bad input, faults and load against real
 * local stacks. `--expose-gc` lets the load test measure memory after a collection.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    execArgv: ['--expose-gc'],
  },
});
