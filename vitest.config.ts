import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One fixed fast-check seed (FC_SEED overrides it): see the file.
    setupFiles: ['test/support/fast-check-seed.ts'],
    // Worker-thread tests share two cores; run files one at a time so that no test's
    // threads starve another's (timeouts below are hang guards, not performance bounds).
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
