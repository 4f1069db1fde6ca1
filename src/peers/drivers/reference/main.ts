/**
 * Standalone entry for the reference driver (used in containers, or to run it as a separate
 * process): node dist/src/peers/drivers/reference/main.js with the GEARSPEC_* environment.
 * GEARSPEC_WIRE_FAULT=NAME (test-only, ./wire-faults.ts) puts a relay with one named wire bug
 * between the reference library and the server.
 */
import type { DriverRole } from '../protocol.js';
import { type ReferenceDriverExit, runReferenceDriver } from './driver.js';
import { isWireFault, startWireFaultRelay, WIRE_FAULTS } from './wire-faults.js';

const control = process.env.GEARSPEC_CONTROL;
const server = process.env.GEARSPEC_SERVER;
const role = process.env.GEARSPEC_ROLE;
const fault = process.env.GEARSPEC_WIRE_FAULT;
if (!control || !server || (role !== 'client' && role !== 'worker')) {
  process.stderr.write('gearspec reference driver: set GEARSPEC_CONTROL, GEARSPEC_SERVER and GEARSPEC_ROLE=client|worker\n');
  process.exit(2);
}
if (fault !== undefined && !isWireFault(fault)) {
  process.stderr.write(`gearspec reference driver: GEARSPEC_WIRE_FAULT must be one of ${Object.keys(WIRE_FAULTS).join(', ')}\n`);
  process.exit(2);
}

async function main(): Promise<ReferenceDriverExit> {
  let target = server!;
  if (fault !== undefined && isWireFault(fault)) {
    const i = target.lastIndexOf(':');
    target = await startWireFaultRelay(fault, { host: target.slice(0, i), port: Number(target.slice(i + 1)) });
    process.stderr.write(`gearspec reference driver: wire fault ${fault} (${WIRE_FAULTS[fault]}) via ${target}\n`);
  }
  return runReferenceDriver({ control: control!, server: target, role: role as DriverRole, log: (l) => process.stderr.write(`${l}\n`) }).done;
}

// End the process the way the driver ended: a `die` outcome is a SIGKILL, an `exit` outcome its
// code, a stopped worker library 1, quit 0 — as the PHP, Perl and C driver processes do.
main().then(
  (status) => {
    if (status.signal) process.kill(process.pid, status.signal as NodeJS.Signals);
    process.exit(status.code ?? 1);
  },
  (e: unknown) => {
    process.stderr.write(`gearspec reference driver: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
