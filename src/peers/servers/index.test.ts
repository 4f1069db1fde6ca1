import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, InputError, PeerError } from '../../errors.js';
import { T } from '../../protocol/constants.js';
import { req } from '../../protocol/packet.js';
import { GearmanConnection } from '../../transport/connection.js';
import { nativeAvailable } from '../provider.js';
import { acceptsConnections, occupyPort } from '../test-helpers.js';
import type { StartedServer } from '../types.js';
import { startServerPeer } from './index.js';

const started: StartedServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

async function echoRoundTrip(s: StartedServer): Promise<string> {
  const conn = await GearmanConnection.connect({ host: s.host, port: s.port });
  try {
    conn.send(req(T.ECHO_REQ, 'ping'));
    const p = await conn.expect([T.ECHO_RES], 2000);
    return p.args[0]!.toString();
  } finally {
    conn.close();
  }
}

describe('startServerPeer', () => {
  it('runs the reference server embedded, with its version, and stops it', async () => {
    const s = await startServerPeer('reference', { handlePrefix: 'REF' });
    started.push(s);
    expect(s.provider).toBe('embedded');
    expect(s.version).toMatch(/^gearspec-/);
    expect(await echoRoundTrip(s)).toBe('ping');
    await s.stop();
    await s.stop();
    expect(await acceptsConnections(s.port)).toBe(false);
    expect(s.logs()).toContain('listening');
  });

  it('reports an embedded start on a taken port as a PeerError', async () => {
    const held = await occupyPort();
    try {
      await expect(startServerPeer('reference', { port: held.port })).rejects.toSatisfy((e: unknown) => e instanceof PeerError || e instanceof InputError);
    } finally {
      await held.close();
    }
  });

  it('rejects unknown names and impossible providers as usage errors', async () => {
    await expect(startServerPeer('nope' as never)).rejects.toMatchObject({ code: ERROR_CODES.USAGE });
    await expect(startServerPeer('reference', { provider: 'native' })).rejects.toMatchObject({ code: ERROR_CODES.USAGE });
    await expect(startServerPeer('gearmand', { provider: 'embedded' })).rejects.toMatchObject({ code: ERROR_CODES.USAGE });
    await expect(startServerPeer('reference', { threads: 4 })).rejects.toMatchObject({ code: ERROR_CODES.USAGE });
  });

  for (const name of ['gearmand', 'perl-gearmand'] as const) {
    it.skipIf(!nativeAvailable(name))(`runs ${name} natively on request and it serves ECHO`, async () => {
      const s = await startServerPeer(name, { provider: 'native' });
      started.push(s);
      expect(s.name).toBe(name);
      expect(await echoRoundTrip(s)).toBe('ping');
    });
  }
});
