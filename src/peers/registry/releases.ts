/**
 * The Debian releases that ship Gearman, and what each ships. The release records in records.ts
 * (`gearmand@1.1.21`) are built from this table, and setup-podman.sh makes a base image for each
 * release named here (`npx gearspec peers releases` lists them).
 */
import type { DebianRelease } from './types.js';

interface ReleaseInfo {
  /** Debian's version number of the release. */
  readonly debian: number;
  /** gearman-job-server and libgearman (one source package, gearmand). */
  readonly gearmand: string;
  /** The Debian package version of gearman-job-server and libgearman-dev, for the record's `source`. */
  readonly gearmandPackage: string;
  /** PHP (package php-cli) and pecl gearman (package php-gearman) as the release ships them. */
  readonly php: string;
  readonly phpGearman: string;
  readonly phpGearmanPackage: string;
}

export const RELEASES: Readonly<Record<DebianRelease, ReleaseInfo>> = {
  // Perl's Gearman::Client is 2.004.015 in all three: one Perl peer, no per-release builds.
  bullseye: { debian: 11, gearmand: '1.1.19.1', gearmandPackage: '1.1.19.1+ds-2+b2', php: '7.4', phpGearman: '2.1.0', phpGearmanPackage: '2.1.0+1.1.2-0+deb11u1' },
  bookworm: { debian: 12, gearmand: '1.1.20', gearmandPackage: '1.1.20+ds-1', php: '8.2', phpGearman: '2.1.0', phpGearmanPackage: '2.1.0+1.1.2-12' },
  trixie: { debian: 13, gearmand: '1.1.21', gearmandPackage: '1.1.21+ds-1', php: '8.4', phpGearman: '2.1.4', phpGearmanPackage: '2.1.4-1' },
};

export const RELEASE_NAMES = Object.keys(RELEASES) as DebianRelease[];

/**
 * The release gearspec's own peers are pinned to: the machine's (peers install natively from it)
 * and the default of every image. Peers of the other releases run in containers only.
 */
export const CURRENT_RELEASE = 'bookworm' satisfies DebianRelease;

export function isDebianRelease(value: string): value is DebianRelease {
  return Object.hasOwn(RELEASES, value);
}
