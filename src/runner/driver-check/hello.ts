/**
 * The hello step: the driver's first line names its implementation, library and version, the
 * role it was started in, and the protocol version it speaks. A missing or older version is a
 * warning (the driver may still work); a wrong role or malformed field is a failure.
 */
import { DRIVER_PROTOCOL_VERSION } from '../../peers/drivers/protocol.js';
import type { CheckContext } from './context.js';
import { fail } from './step-failure.js';
import type { CheckStep } from './types.js';

export const helloStep: CheckStep<CheckContext> = {
  name: 'hello',
  async run(ctx) {
    const h = ctx.subject.handle.hello;
    const role = ctx.subject.handle.role;
    for (const field of ['implementation', 'library', 'version'] as const) {
      if (h[field].trim() === '')
        fail(
          `hello.${field} to be a non-empty string`,
          `${JSON.stringify(h[field])}`,
          `fill hello.${field} (${field === 'implementation' ? 'a short name for your driver' : field === 'library' ? 'the library and its version, in words' : "the library's version number"})`,
        );
    }
    if (h.role !== role) fail(`hello.role to be "${role}" (the GEARSPEC_ROLE it was started with)`, JSON.stringify(h.role), 'read GEARSPEC_ROLE from the environment and echo it in hello.role');
    const pid: unknown = h.pid;
    if (pid !== undefined && !(typeof pid === 'number' && Number.isInteger(pid) && pid > 0))
      fail('hello.pid, when present, to be the process id (a positive integer)', JSON.stringify(pid), 'send the process id as a JSON number, or leave pid out');
    const protocol: unknown = h.protocol;
    const who = `${h.implementation} (${h.library})`;
    if (protocol === undefined) {
      return {
        status: 'warn',
        message: `${who}: hello has no "protocol" field; assuming version 1`,
        fix: `announce the protocol version the driver implements: "protocol": ${DRIVER_PROTOCOL_VERSION}`,
      };
    }
    if (!(typeof protocol === 'number' && Number.isInteger(protocol) && protocol >= 1))
      fail('hello.protocol to be an integer version (1 or more)', JSON.stringify(protocol), `send "protocol": ${DRIVER_PROTOCOL_VERSION} as a JSON number`);
    if (protocol < DRIVER_PROTOCOL_VERSION) {
      return {
        status: 'warn',
        message: `${who} speaks driver protocol ${protocol}; this gearspec speaks ${DRIVER_PROTOCOL_VERSION}`,
        fix: `implement the changes listed under "Versions" in docs/driver-protocol.md and announce "protocol": ${DRIVER_PROTOCOL_VERSION}`,
      };
    }
    if (protocol > DRIVER_PROTOCOL_VERSION) {
      return {
        status: 'warn',
        message: `${who} announces driver protocol ${protocol}, newer than this gearspec's ${DRIVER_PROTOCOL_VERSION}`,
        fix: 'check with a newer gearspec, or announce the version this gearspec speaks',
      };
    }
    return { message: `${who}, ${role}, protocol ${protocol}${pid !== undefined ? `, pid ${String(pid)}` : ''}` };
  },
};
