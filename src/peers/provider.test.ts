import { afterEach, describe, expect, it, vi } from 'vitest';
import { ERROR_CODES } from '../errors.js';
import { driverProvider, engineAnswers, isCi, peerSkipReason, providerChoice, requirePeer, resolveProvider, serverProvider } from './provider.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('provider choice', () => {
  it('reads GEARSPEC_PEERS, defaulting to auto, and rejects anything else', () => {
    expect(providerChoice({})).toBe('auto');
    expect(providerChoice({ GEARSPEC_PEERS: ' Native ' })).toBe('native');
    expect(providerChoice({ GEARSPEC_PEERS: 'container' })).toBe('container');
    expect(() => providerChoice({ GEARSPEC_PEERS: 'docker' })).toThrow(expect.objectContaining({ code: ERROR_CODES.USAGE }));
  });

  it('GEARSPEC_DRIVERS places the drivers on their own, and without it they go where the servers do', () => {
    expect(driverProvider({ GEARSPEC_DRIVERS: 'native', GEARSPEC_PEERS: 'container' })).toEqual({ provider: 'native', reason: 'GEARSPEC_DRIVERS=native' });
    expect(driverProvider({ GEARSPEC_DRIVERS: 'container' }).provider).toBe('container');
    expect(() => driverProvider({ GEARSPEC_DRIVERS: 'docker' })).toThrow(expect.objectContaining({ code: ERROR_CODES.USAGE, message: expect.stringContaining('GEARSPEC_DRIVERS') }));
    vi.stubEnv('GEARSPEC_PEERS', 'native');
    expect(driverProvider({}).provider).toBe('native');
    expect(serverProvider()).toBe('native');
  });

  it('treats CI=false/0/empty as not CI', () => {
    expect(isCi({ CI: 'true' })).toBe(true);
    expect(isCi({ CI: '1' })).toBe(true);
    expect(isCi({ CI: 'false' })).toBe(false);
    expect(isCi({})).toBe(false);
  });

  it('a socket path that does not exist never answers', () => {
    expect(engineAnswers('/nonexistent/engine.sock')).toBe(false);
  });

  it('explains itself', () => {
    const r = resolveProvider();
    expect(r.reason.length).toBeGreaterThan(10);
    expect(['container', 'native', 'none']).toContain(r.provider);
  });

  it('the reference server never needs a provider', () => {
    expect(peerSkipReason('reference')).toBeUndefined();
    expect(requirePeer(['reference'])).toBe(true);
  });
});

describe('a missing peer', () => {
  // GEARSPEC_PEERS=container with DOCKER_HOST at a dead socket: nothing can run gearmand.
  function breakPeers(): void {
    vi.stubEnv('GEARSPEC_PEERS', 'container');
    vi.stubEnv('DOCKER_HOST', 'unix:///nonexistent/docker.sock');
  }

  it('is a loud skip outside CI, with how to enable it', () => {
    breakPeers();
    vi.stubEnv('CI', '');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(peerSkipReason('gearmand')).toMatch(/setup-podman\.sh/);
    expect(requirePeer('gearmand', 'gearmand interop')).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/SKIPPING gearmand interop: .*gearspec peers install/));
  });

  it('fails in CI', () => {
    breakPeers();
    vi.stubEnv('CI', 'true');
    expect(() => requirePeer('perl-gearmand')).toThrow(expect.objectContaining({ code: ERROR_CODES.PEER_UNAVAILABLE }));
  });
});
