/**
 * gearspec driver-check: is this program a working driver? Starts it against the embedded
 * reference server with the reference driver in the other role, runs every step of its role
 * (./client-steps.ts, ./worker-steps.ts) after the hello check, and stops everything it started.
 * Exit code 0 every step passed (warnings and declined optional forms included), 1 a step failed,
 * 2 the driver could not be started at all.
 */
import { errorMessage, PeerError } from '../../errors.js';
import type { DriverHandle, ExternalDriver } from '../../peers/drivers/index.js';
import { prepareReferenceWorker } from './client-setup.js';
import { clientSteps } from './client-steps.js';
import { CheckContext } from './context.js';
import { helloStep } from './hello.js';
import { Lab } from './lab.js';
import { Probe } from './probe.js';
import { driverOutputTail, runStep } from './run-steps.js';
import type { CheckStep, DriverCheckOptions, DriverCheckReport, StartFailure, StepResult } from './types.js';
import { workerSteps } from './worker-steps.js';

/** Label for an external driver: the given name, else the program's base name. */
export function driverLabel(command: string, name?: string): string {
  if (name) return name;
  const words = command.trim().split(/\s+/);
  const program = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && w !== 'env') ?? 'driver';
  const base = program.split('/').pop() ?? 'driver';
  // "python3 my_driver.py", "node x.js": the script names the driver better than the interpreter.
  const script = words[words.indexOf(program) + 1];
  return /^(python\d?(\.\d+)?|node|perl|php|ruby|java|sh|bash)$/.test(base) && script && !script.startsWith('-') ? (script.split('/').pop() ?? base) : base;
}

function startFailure(e: unknown, options: DriverCheckOptions): StartFailure {
  const text = errorMessage(e);
  const log = e instanceof PeerError ? driverOutputTail(e.log, 20) : '';
  const expected = `the program to connect to GEARSPEC_CONTROL and send a hello event as its first line, within ${options.timeoutMs} ms`;
  let fix = 'run the command by hand with GEARSPEC_CONTROL, GEARSPEC_SERVER and GEARSPEC_ROLE set, and read its output below';
  if (/before connecting/.test(text)) fix = 'the program exited before it connected: check that the command runs at all (path, interpreter, missing module), see its output below';
  else if (/connect to its control port|waiting for the driver to connect/.test(text)) fix = 'connect (TCP) to the host:port in GEARSPEC_CONTROL as soon as the program starts';
  else if (/no hello/.test(text)) fix = 'send {"event":"hello","implementation","library","version","role","protocol"} as the first line, terminated by "\\n", and flush it';
  else if (/not a hello|first event/.test(text)) fix = 'the very first line must be the hello event, as one JSON object on one line';
  return { message: text, expected, fix, driverOutput: log };
}

export async function runDriverCheck(options: DriverCheckOptions): Promise<DriverCheckReport> {
  const driver: ExternalDriver = { name: driverLabel(options.command, options.name), command: options.command };
  const role = options.role;
  const steps: StepResult[] = [];
  const lab = await Lab.open(options.timeoutMs);
  try {
    options.onReady?.({ server: lab.server });
    // The partner first: a failure there is gearspec's, not the driver's (it throws, exit 2).
    const partner = await lab.startPartner(role === 'client' ? 'worker' : 'client');
    if (role === 'client') await prepareReferenceWorker(new Probe(partner, 'the reference worker', options.timeoutMs));
    let subject: DriverHandle;
    try {
      subject = await lab.startSubject(driver, role);
    } catch (e) {
      return { driver: driver.name, role, steps, startFailure: startFailure(e, options), exitCode: 2 };
    }
    const ctx = new CheckContext(lab, subject, partner);
    const plan: CheckStep<CheckContext>[] = [helloStep, ...(role === 'client' ? clientSteps() : workerSteps(driver))];
    for (const step of plan) {
      const r = await runStep(ctx, step);
      steps.push(r);
      options.onStep?.(r);
    }
    return { driver: driver.name, role, hello: subject.hello, steps, exitCode: steps.some((s) => s.status === 'fail') ? 1 : 0 };
  } finally {
    await lab.close();
  }
}
