import { defineConfig } from 'vitest/config';
import { filesWithoutRedis } from './test/helpers/test-files.ts';

const ALL = ['test/**/*.test.ts', 'test/**/*.test.tsx'];
// Test files none of whose imports under test/ start a redis-server (test/helpers/test-files.ts).
// Two projects split the files: `npm run test:unit` runs `unit` alone, `vitest run` both.
const UNIT = filesWithoutRedis(import.meta.dirname);

export default defineConfig({
  test: {
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    // Fails at once, in one line, when dist/ is older than src/ (the CLI tests run dist/).
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file owns a private redis-server, so files may run side by side.
    fileParallelism: true,
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'redis', include: ALL, exclude: UNIT } },
    ],
  },
});
