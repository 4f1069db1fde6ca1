/**
 * Guess a server's model profile from its admin `version` reply (spec §5 row 23). A server
 * that does not speak the admin protocol is still reachable and fuzzable: it gets the default
 * profile, and the note says what was missing.
 */
import { GearmanConnection } from '../transport/connection.js';
import { errorMessage } from '../errors.js';
import { PROFILES, type ModelProfile } from '../model/profiles.js';

const DEFAULT_PROFILE: ModelProfile = PROFILES.reference;

interface DetectedProfile {
  readonly profile: ModelProfile;
  /** The `version` reply, when there was one. */
  readonly version?: string;
  /** How the profile was chosen, in words. */
  readonly note: string;
}

/** Throws only when the server cannot be reached (the connection itself fails). */
export async function detectProfile(host: string, port: number, timeoutMs = 3000): Promise<DetectedProfile> {
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  const fallback = (what: string): DetectedProfile => ({
    profile: DEFAULT_PROFILE,
    note: `${what}; the server may not implement the admin protocol, so the default profile ${DEFAULT_PROFILE.name} is used (choose one with --profile)`,
  });
  try {
    let line: string;
    try {
      [line = ''] = await conn.admin('version', timeoutMs);
    } catch (e) {
      return fallback(`no reply to the admin \`version\` command (${errorMessage(e)})`);
    }
    if (line.startsWith('ERR')) return fallback(`the admin \`version\` command was refused (${JSON.stringify(line)})`);
    // gearmand: "OK 1.1.20+ds"; Perl Gearman::Server: "v1.130.1"; anything else: the reference model.
    if (/^OK 1\.1\./.test(line)) return { profile: PROFILES['gearmand-1.1.20'], version: line, note: `detected from version ${JSON.stringify(line)}` };
    if (/^v1\.1\d\d/.test(line)) return { profile: PROFILES['perl-gearman-server-1.130'], version: line, note: `detected from version ${JSON.stringify(line)}` };
    return { profile: PROFILES.reference, version: line, note: `detected from version ${JSON.stringify(line)} (neither gearmand 1.1 nor Perl Gearman::Server: the ${PROFILES.reference.name} model)` };
  } finally {
    conn.close();
  }
}
