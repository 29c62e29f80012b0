import { defineConfig } from 'vitest/config';

// Unit tests run first and need nothing; end-to-end tests share one real stack
// (Temporal dev server, PostgreSQL, anvil) started by the global setup, and run
// one file at a time because they share its chain and listener cursor.
export default defineConfig({
  test: {
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'data/test-results.json' },
    projects: [
      {
        test: {
          name: 'unit',
          // Every test file beside its code; a new folder needs no entry here.
          include: ['**/*.test.ts'],
          exclude: ['test/e2e/**', 'node_modules/**', 'data/**', 'scratch/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
