import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { HEAVY_FILES } from './heavy-files.js';

export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**', ...HEAVY_FILES],
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine.
    // The files wait on fsync and child processes often enough that one per core keeps both busy.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
