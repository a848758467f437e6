import path from 'node:path';
import { defineConfig } from 'vitest/config';

/** The reliability harness: crash, shutdown and fault tests against the built service. */
export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  test: {
    include: ['test/reliability/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
