/**
 * Which provider runs external peers: GEARSPEC_PEERS = container | native | auto (default auto).
 * auto: a container engine that answers → container; else the Debian binaries → native; else
 * none. Suites ask `peerSkipReason`/`requirePeer`: in CI a missing peer fails the run, elsewhere
 * the suite is skipped with a loud warning saying how to enable it.
 */
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ERROR_CODES, InputError, PeerError } from '../errors.js';
import { applyPodmanEnv, engineSocketPath, isSocket } from './container-env.js';
import { CURRENT_EXTERNAL_SERVER_NAMES, PEERS, type PeerName, installHint, installedPath, isCurrent } from './registry/index.js';
import type { ProviderChoice, ProviderKind } from './types.js';

interface ResolvedProvider {
  readonly provider: ProviderKind | 'none';
  readonly reason: string;
}

const ENABLE_HINT =
  'enable peers with `sudo bash docker/setup-podman.sh` (containers, then GEARSPEC_PEERS=container) or `sudo npx gearspec peers install` (installed here, then GEARSPEC_PEERS=native)';

export function providerChoice(env: NodeJS.ProcessEnv = process.env, variable: 'GEARSPEC_PEERS' | 'GEARSPEC_DRIVERS' = 'GEARSPEC_PEERS'): ProviderChoice {
  const raw = (env[variable] ?? '').trim().toLowerCase();
  if (raw === '' || raw === 'auto') return 'auto';
  if (raw === 'container' || raw === 'native') return raw;
  throw new InputError(ERROR_CODES.USAGE, variable, `must be container, native or auto, got ${JSON.stringify(env[variable])}`);
}

const engineCache = new Map<string, boolean>();

/**
 * Whether the engine socket answers GET /_ping. Synchronous (a short child process) because
 * suites decide skips at collection time; cached per socket for the life of the process.
 */
export function engineAnswers(socketPath: string): boolean {
  const cached = engineCache.get(socketPath);
  if (cached !== undefined) return cached;
  if (!isSocket(socketPath)) return false;
  const script = [
    "const s=require('net').connect(process.argv[1]);let b='';",
    's.setTimeout(1500,()=>process.exit(2));',
    "s.on('error',()=>process.exit(1));",
    "s.on('connect',()=>s.write('GET /_ping HTTP/1.0\\r\\nHost: engine\\r\\n\\r\\n'));",
    "s.on('data',(d)=>{b+=d;if(/^HTTP\\/1\\.[01] 200/.test(b))process.exit(0);});",
    "s.on('end',()=>process.exit(3));",
  ].join('');
  // curl starts in milliseconds; a second node takes most of a second on a busy 2-core machine.
  const curl = spawnSync('curl', ['-fsS', '--max-time', '2', '--unix-socket', socketPath, 'http://engine/_ping'], { timeout: 3000, stdio: 'ignore' });
  const result = curl.error ? spawnSync(process.execPath, ['-e', script, socketPath], { timeout: 3000, stdio: 'ignore' }) : curl;
  const ok = result.status === 0;
  engineCache.set(socketPath, ok);
  return ok;
}

/** Whether a peer is installed on this machine (its registry record's `installed` file exists). */
export function nativeAvailable(name: PeerName): boolean {
  if (!isCurrent(name)) return false; // another release's build: its image is the only place it exists
  const file = installedPath(PEERS[name]);
  if (file === undefined) return true; // the embedded reference
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a container engine answers now (DOCKER_HOST, or the Podman socket setup-podman.sh starts). */
export function containerEngineAvailable(): boolean {
  return containerStatus().provider === 'container';
}

function containerStatus(): ResolvedProvider {
  applyPodmanEnv();
  const socket = engineSocketPath();
  if (!socket) return { provider: 'none', reason: `no container engine socket (DOCKER_HOST=${process.env.DOCKER_HOST ?? 'unset'})` };
  if (!engineAnswers(socket)) return { provider: 'none', reason: `container engine socket ${socket} does not answer /_ping` };
  return { provider: 'container', reason: `container engine answers at ${socket}` };
}

function nativeStatus(names: readonly PeerName[]): ResolvedProvider {
  const missing = names.filter((n) => !nativeAvailable(n));
  if (missing.length === 0) return { provider: 'native', reason: `installed: ${names.join(', ')}` };
  return { provider: 'none', reason: `not installed: ${missing.map(installHint).join('; ')}` };
}

/** The provider for external server peers (all of `names`, default every one of the current release). */
export function resolveProvider(names: readonly PeerName[] = CURRENT_EXTERNAL_SERVER_NAMES): ResolvedProvider {
  const choice = providerChoice();
  if (choice === 'container') {
    const c = containerStatus();
    return { provider: c.provider, reason: `GEARSPEC_PEERS=container: ${c.reason}` };
  }
  if (choice === 'native') {
    const n = nativeStatus(names);
    return { provider: n.provider, reason: `GEARSPEC_PEERS=native: ${n.reason}` };
  }
  const c = containerStatus();
  if (c.provider === 'container') return { provider: 'container', reason: `auto: ${c.reason}` };
  const n = nativeStatus(names);
  if (n.provider === 'native') return { provider: 'native', reason: `auto: ${c.reason}; ${n.reason}` };
  return { provider: 'none', reason: `auto: ${c.reason}; ${n.reason}` };
}

/** Where the server peers gearspec starts run: in containers when GEARSPEC_PEERS resolves so, else natively. */
export function serverProvider(): 'container' | 'native' {
  return resolveProvider().provider === 'container' ? 'container' : 'native';
}

/**
 * Where library drivers run for a command that runs many (interop, soak): GEARSPEC_DRIVERS when it
 * is set (container or native), else in containers when the servers' provider is, otherwise
 * natively (a driver that is not installed then fails to start, by name). Drivers are many and
 * short-lived, servers few: CI runs the servers in containers and the drivers natively, because
 * the engine's work per container start was most of the run's CPU.
 */
export function driverProvider(env: NodeJS.ProcessEnv = process.env): { readonly provider: 'container' | 'native'; readonly reason: string } {
  const choice = providerChoice(env, 'GEARSPEC_DRIVERS');
  if (choice === 'native') return { provider: 'native', reason: 'GEARSPEC_DRIVERS=native' };
  if (choice === 'container') {
    const c = containerStatus();
    return { provider: 'container', reason: `GEARSPEC_DRIVERS=container: ${c.reason}` };
  }
  const r = resolveProvider();
  return { provider: r.provider === 'container' ? 'container' : 'native', reason: r.reason };
}

/** Where `name` would run, or a PeerError(PEER_UNAVAILABLE) saying why it cannot and how to fix it. */
export function providerFor(name: PeerName): ProviderKind {
  if (name === 'reference') return 'embedded';
  const r = resolveProvider([name]);
  if (r.provider === 'none') throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, name, `no provider can run it (${r.reason}); ${ENABLE_HINT}`);
  return r.provider;
}

/** Undefined when every named peer can run; otherwise why not (for `describe.skipIf`). */
export function peerSkipReason(names: PeerName | readonly PeerName[]): string | undefined {
  const external = (typeof names === 'string' ? [names] : names).filter((n) => n !== 'reference');
  if (external.length === 0) return undefined;
  const r = resolveProvider(external);
  return r.provider === 'none' ? `${external.join(', ')} unavailable: ${r.reason}; ${ENABLE_HINT}` : undefined;
}

export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/**
 * True when the peers can run. Otherwise: in CI throws (a missing peer is a failure there);
 * elsewhere warns loudly and returns false so the caller skips.
 * Usage: `describe.skipIf(!requirePeer('gearmand'))('gearmand interop', ...)`.
 */
export function requirePeer(names: PeerName | readonly PeerName[], suite = 'peer suite'): boolean {
  const reason = peerSkipReason(names);
  if (reason === undefined) return true;
  if (isCi()) throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, suite, `required in CI: ${reason}`);
  console.warn(`\n*** SKIPPING ${suite}: ${reason}\n`);
  return false;
}
