/** Guess a server's model profile from its admin `version` reply (protocol.md §5 row 23). */
import { GearmanConnection } from '../../src/transport/connection.js';
import { PROFILES, type ModelProfile } from '../../src/model/profiles.js';

export async function detectProfile(host: string, port: number, timeoutMs = 3000): Promise<{ profile: ModelProfile; version: string }> {
  const conn = await GearmanConnection.connect({ host, port, connectTimeoutMs: timeoutMs });
  try {
    const [line = ''] = await conn.admin('version', timeoutMs);
    // gearmand: "OK 1.1.20+ds"; Perl Gearman::Server: "v1.130.1"; anything else: the reference model.
    if (/^OK 1\.1\./.test(line)) return { profile: PROFILES['gearmand-1.1.20'], version: line };
    if (/^v1\.1\d\d/.test(line)) return { profile: PROFILES['perl-gearman-server-1.130'], version: line };
    return { profile: PROFILES.reference, version: line };
  } finally {
    conn.close();
  }
}
