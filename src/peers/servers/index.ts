/**
 * startServerPeer: one entry point for every server peer, whichever provider runs it.
 *   reference      → embedded (in this process)
 *   gearmand       → native /usr/sbin/gearmand, or the docker/gearmand image
 *   perl-gearmand  → native /usr/bin/gearmand, or the docker/perl-gearmand image
 * The provider defaults to what GEARSPEC_PEERS resolves to (see ../provider.ts).
 */
import { ERROR_CODES, InputError } from '../../errors.js';
import { providerFor } from '../provider.js';
import type { ServerPeerName, ServerStartOptions, StartedServer } from '../types.js';
import { EXTERNAL_SERVERS } from './catalogue.js';
import { startContainerServer } from './container-server.js';
import { startEmbeddedReference } from './embedded-reference.js';
import { startNativeServer } from './native-server.js';

export const SERVER_PEER_NAMES: readonly ServerPeerName[] = ['reference', 'gearmand', 'perl-gearmand'];

export function isServerPeerName(value: string): value is ServerPeerName {
  return (SERVER_PEER_NAMES as readonly string[]).includes(value);
}

export async function startServerPeer(name: ServerPeerName, options: ServerStartOptions = {}): Promise<StartedServer> {
  if (!isServerPeerName(name)) throw new InputError(ERROR_CODES.USAGE, 'server peer', `unknown server peer ${JSON.stringify(name)}; known: ${SERVER_PEER_NAMES.join(', ')}`);
  const provider = options.provider ?? providerFor(name);
  if (name === 'reference') {
    if (provider !== 'embedded') throw new InputError(ERROR_CODES.USAGE, 'reference provider', `the reference server runs embedded, not ${provider}`);
    return startEmbeddedReference(options);
  }
  const def = EXTERNAL_SERVERS[name];
  switch (provider) {
    case 'native':
      return startNativeServer(def, options);
    case 'container':
      return startContainerServer(def, options);
    case 'embedded':
      throw new InputError(ERROR_CODES.USAGE, `${name} provider`, `${name} cannot run embedded; use native or container`);
  }
}

export { EXTERNAL_SERVERS, GEARMAND, PERL_GEARMAND, type ExternalServerDef, type ExternalServerName } from './catalogue.js';
export { RunningServer } from './started-server.js';
export type { ServerStartOptions, StartedServer, ServerPeerName } from '../types.js';
