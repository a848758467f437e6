import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { HEAVY_FILES } from './heavy-files.js';

export default defineConfig({
  root: path.resolve(import.meta.dirname, '..'),
  test: {
    // The key and the witness default to the user's configuration directory: a test that starts
    // the service on a file database names their paths in its temporary directory, or fails here.
    env: { XDG_CONFIG_HOME: '/dev/null/tests-name-their-key-and-witness-paths' },
    include: ['test/**/*.test.ts'],
    exclude: ['test/reliability/**', 'node_modules/**', ...HEAVY_FILES],
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores: a single worker on a 2-core machine.
    // The files wait on fsync and child processes often enough that one per core keeps both busy.
    maxWorkers: Math.max(2, os.availableParallelism()),
    // A worker runs its files one after another in one module graph instead of loading the app's
    // modules and compiling its schemas again for each file (about 3 s of CPU a file). Each test
    // still builds its own app on its own database; what is shared is immutable (compiled schema
    // caches), and the files that spy or fake timers restore them after each test.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
