/** gearspec's package version (src/package-root.ts), and what admin `version` reports. */
import { packageVersion } from '../package-root.js';

export const PACKAGE_VERSION = packageVersion();
/** What admin `version` reports after "OK ". */
export const SERVER_VERSION = `gearspec-${PACKAGE_VERSION}`;
