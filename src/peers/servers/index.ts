/**
 * startServerPeer: one entry point for every server peer in the registry, whichever provider runs
 * it: the reference server embedded (in this process), every other one natively (its registry
 * record's program) or in its registry image. The provider defaults to what GEARSPEC_PEERS
 * resolves to (see ../provider.ts).
 */
import { ERROR_CODES, InputError } from '../../errors.js';
import { providerFor } from '../provider.js';
import { SERVER_NAMES, isServerPeerName } from '../registry/index.js';
import type { ServerPeerName, ServerStartOptions, StartedServer } from '../types.js';
import { EXTERNAL_SERVERS } from './catalogue.js';
import { startContainerServer } from './container-server.js';
import { startEmbeddedReference } from './embedded-reference.js';
import { startNativeServer } from './native-server.js';

export { isServerPeerName, SERVER_NAMES as SERVER_PEER_NAMES } from '../registry/index.js';

export async function startServerPeer(name: ServerPeerName, options: ServerStartOptions = {}): Promise<StartedServer> {
  if (!isServerPeerName(name)) throw new InputError(ERROR_CODES.USAGE, 'server peer', `unknown server peer ${JSON.stringify(name)}; known: ${SERVER_NAMES.join(', ')}`);
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

export { EXTERNAL_SERVERS, GEARMAND, PERL_GEARMAND, serverDef, type ExternalServerDef, type ExternalServerName } from './catalogue.js';
export { RunningServer } from './started-server.js';
export type { ServerStartOptions, StartedServer, ServerPeerName } from '../types.js';
