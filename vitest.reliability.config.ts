import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (`npm run test:reliability`): bad input, faults and load against real
 * local stacks. `--expose-gc` lets the load test measure memory after a collection. Files run
 * one at a time: several of them time a local stack under load, and two such files side by
 * side on a 2-core machine would measure each other.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    execArgv: ['--expose-gc'],
  },
});
