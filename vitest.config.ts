import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Real Chromium, real EPUBCheck: slow on two cores, never mocked.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    // Each command builds in its own process; tests/server.test.ts turns the build server on.
    env: { MUDRAN_SERVER: '0' },
  },
});
