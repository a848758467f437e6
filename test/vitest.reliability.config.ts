import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The reliability harness: crash, shutdown and fault tests against the built service. */
export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  test: {
    // The key and the witness default to the user's configuration directory: a test that starts
    // the service on a file database names their paths in its temporary directory, or fails here.
    env: { XDG_CONFIG_HOME: '/dev/null/tests-name-their-key-and-witness-paths' },
    include: ['test/reliability/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
