/**
 * Standalone entry for the reference driver (used in containers, or to run it as a separate
 * process): node dist/src/peers/drivers/reference/main.js with the GEARSPEC_* environment.
 */
import type { DriverRole } from '../protocol.js';
import { runReferenceDriver } from './driver.js';

const control = process.env['GEARSPEC_CONTROL'];
const server = process.env['GEARSPEC_SERVER'];
const role = process.env['GEARSPEC_ROLE'];
if (!control || !server || (role !== 'client' && role !== 'worker')) {
  process.stderr.write('gearspec reference driver: set GEARSPEC_CONTROL, GEARSPEC_SERVER and GEARSPEC_ROLE=client|worker\n');
  process.exit(2);
}
const run = runReferenceDriver({ control, server, role: role as DriverRole, log: (l) => process.stderr.write(`${l}\n`) });
run.done.then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`gearspec reference driver: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
