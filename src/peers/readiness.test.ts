import { describe, expect, it } from 'vitest';
import { parseVersionReply } from './readiness.js';
import { listenerOwner } from './proc-net.js';
import { occupyPort } from './test-helpers.js';

describe('parseVersionReply', () => {
  it('strips the C "OK " prefix and the Perl "v"', () => {
    expect(parseVersionReply('OK 1.1.20+ds')).toBe('1.1.20+ds');
    expect(parseVersionReply('v1.130.1')).toBe('1.130.1');
    expect(parseVersionReply('OK gearspec-0.1.0')).toBe('gearspec-0.1.0');
    expect(parseVersionReply('something else')).toBe('something else');
  });
});

describe('listenerOwner', () => {
  it('tells our own listener from nobody and from another process', async () => {
    const held = await occupyPort();
    try {
      expect(await listenerOwner(process.pid, held.port)).toBe('ours');
      // pid 1 is not us and does not hold this port.
      expect(await listenerOwner(1, held.port)).toMatch(/^(other|unknown)$/);
    } finally {
      await held.close();
    }
    expect(await listenerOwner(process.pid, held.port)).toBe('none');
  });
});
