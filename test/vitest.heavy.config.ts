import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { HEAVY_FILES } from './heavy-files.js';

/** The heavy harnesses (test/heavy-files.ts), one file at a time: each keeps the machine busy by itself. */
export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  test: {
    // The key and the witness default to the user's configuration directory: a test that starts
    // the service on a file database names their paths in its temporary directory, or fails here.
    env: { XDG_CONFIG_HOME: '/dev/null/tests-name-their-key-and-witness-paths' },
    include: HEAVY_FILES,
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
