/**
 * The command line that runs a built-in driver natively, from its registry record. Driver sources
 * stay in the source tree (they are not TypeScript), so `{root}` paths resolve from the package
 * root, which works both from src/ (vitest) and from dist/ (the built CLI).
 */
import { CURRENT_RELEASE, type ExternalDriverName, PEERS, type PeerRecord, type ProgramSpec, resolveProgram } from '../registry/index.js';
import { ERROR_CODES, PeerError } from '../../errors.js';

type NativeProgram = ProgramSpec;

/** The native command line of a built-in driver (prepared first when it must be, e.g. compiled). */
export async function nativeProgram(name: ExternalDriverName): Promise<NativeProgram> {
  const record: PeerRecord = PEERS[name];
  const spec = record.driver;
  if (!spec) throw new PeerError(ERROR_CODES.HARNESS, name, 'its registry record has a client or worker role but no driver section');
  if (!spec.native) throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, name, `it runs in a container only (Debian ${spec.container.release ?? CURRENT_RELEASE}'s packages): GEARSPEC_PEERS=container`);
  return resolveProgram(typeof spec.native === 'function' ? await spec.native() : spec.native);
}
