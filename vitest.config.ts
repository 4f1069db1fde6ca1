import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take minutes, longest first (clean-clone CI, 2 cores): the interop matrix, library
 * certification, every server's conformance, driver-check, the soaks, the release sweep, the
 * payload property. A clean clone has no timings cached, and vitest would start the largest files
 * first, which are not these: a long file started last kept CI waiting on it alone.
 */
const LONG_FILES = [
  'suites/interop/matrix.test.ts',
  'suites/library/certify.test.ts',
  'suites/conformance/peers.test.ts',
  'suites/library/driver-check.test.ts',
  'suites/soak/servers.test.ts',
  'suites/interop/release-sweep.test.ts',
  'suites/property/payload.test.ts',
];

class LongFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification): number => {
      const i = LONG_FILES.findIndex((p) => f.moduleId.endsWith(p));
      return i < 0 ? LONG_FILES.length : i;
    };
    const base = await super.sort(files);
    return base.map((f, i) => ({ f, i })).sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i).map((x) => x.f);
  }
}

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
    sequence: { sequencer: LongFilesFirst },
  },
});
