import { defineConfig } from 'vitest/config';

/**
 * The artifact tests (`npm run test:artifacts`): `cdk synth`, then every function's bundle from
 * the cloud assembly under AWS's runtime interface client. The first run installs and compiles
 * the runtime client (a few minutes), hence the long hook timeout.
 */
export default defineConfig({
  test: {
    include: ['test/deployment/**/*.artifact.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 900_000,
    pool: 'forks',
  },
});
