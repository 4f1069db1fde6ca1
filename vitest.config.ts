import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'suites/**/*.test.ts'],
    // Sweeps containers left by killed runs before and after the whole run.
    globalSetup: ['src/peers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // Peer suites start real servers and containers; keep files in parallel but bounded on 2 cores.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
  },
});
