import { defineConfig } from 'vitest/config';

/**
 * A correct build must never fail for being slow: on a loaded machine (load average ~20) a
 * fresh clone's suite took 29 minutes. So no test or hook has a limit of its own below half an
 * hour; CI's 90 minutes bound the whole run.
 */
const PATIENT_MS = 30 * 60_000;

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    // Each command builds in its own process; tests/server.test.ts turns the build server on.
    env: { MUDRAN_SERVER: '0' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'text'],
      reportsDirectory: '.cache/coverage',
    },
    projects: [
      {
        extends: true,
        // `make test-fast`: pure functions of src/, no browser, no Java, seconds.
        test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] },
      },
      {
        extends: true,
        // Real Chromium, real EPUBCheck, MuPDF, poppler: slow on two cores, never mocked.
        test: {
          name: 'renderers',
          include: ['tests/*.test.ts'],
          testTimeout: PATIENT_MS,
          hookTimeout: PATIENT_MS,
        },
      },
    ],
  },
});
