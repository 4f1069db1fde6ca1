import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'suites/**/*.test.ts'],
    // Sweeps containers left by killed runs before and after the whole run.
    globalSetup: ['src/peers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Peer suites start real servers and containers and mostly wait on deadlines: three files at
    // once on 2 cores keeps the machine busy without starving the deadlines.
    maxWorkers: 3,
    minWorkers: 1,
    reporters: ['default'],
  },
});
