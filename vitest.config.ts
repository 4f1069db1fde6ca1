import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'suites/**/*.test.ts'],
    // Sweeps containers left by killed runs before and after the whole run.
    globalSetup: ['src/peers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Peer suites start real servers, containers and driver processes: two files at once, and at
    // most three concurrent tests inside a file (servers of the matrix, libraries of library
    // certification), keep 2 cores busy without starving the deadlines of the others.
    maxWorkers: 2,
    maxConcurrency: 3,
    minWorkers: 1,
    reporters: ['default'],
  },
});
