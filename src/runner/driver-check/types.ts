/**
 * The vocabulary of `gearspec driver-check`: what a check step is, what it reports, and what a
 * whole run hands back. A step passes, passes with a warning, finds a feature the driver declined
 * (`unsupported`, never a failure), or fails with what was expected, what came and what to fix.
 */
import type { HelloEvent } from '../../peers/drivers/handle.js';
import type { DriverRole } from '../../peers/drivers/protocol.js';

export type StepStatus = 'pass' | 'warn' | 'unsupported' | 'fail';

export interface StepResult {
  readonly name: string;
  readonly status: StepStatus;
  /** One line: what was seen (pass, unsupported) or what went wrong (warn, fail). */
  readonly message: string;
  readonly expected?: string;
  readonly actual?: string;
  readonly fix?: string;
  readonly ms: number;
  /** Control traffic of the step (commands and events, both drivers), for --verbose and failures. */
  readonly transcript: readonly string[];
  /** Tail of the driver's own output (stderr/stdout) when the step did not pass. */
  readonly driverOutput?: string;
}

/** What a step returns when it did not throw a StepFailure. */
export interface StepNote {
  readonly status?: Exclude<StepStatus, 'fail'>;
  readonly message: string;
  readonly fix?: string;
}

export interface CheckStep<C> {
  readonly name: string;
  /**
   * Functions whose gates belong to this step; gates of any other function that show up while it
   * runs are released at once, so that one failed step cannot leave a worker stuck for the next.
   */
  readonly functions?: readonly string[];
  /** Gates still closed when the step ends stay closed: the next step works with that job. */
  readonly holdsGates?: boolean;
  /** The step provokes `error` events itself (an unknown op, a refused form, a throw). */
  readonly errorsExpected?: boolean;
  run(ctx: C): Promise<StepNote>;
}

export interface DriverCheckOptions {
  /** Shell command that starts the driver, run as `/bin/sh -c 'exec COMMAND'`. */
  readonly command: string;
  /** Label for reports (default: the program's base name). */
  readonly name?: string;
  readonly role: DriverRole;
  /** Deadline in ms for every single wait (start-up, each event, each exit). */
  readonly timeoutMs: number;
  /** Called as each step finishes (the CLI prints results live). */
  readonly onStep?: (result: StepResult) => void;
  /** Called once the lab is up, before the driver starts. */
  readonly onReady?: (info: { readonly server: string }) => void;
}

export interface StartFailure {
  readonly message: string;
  readonly expected: string;
  readonly fix: string;
  readonly driverOutput: string;
}

export interface DriverCheckReport {
  readonly driver: string;
  readonly role: DriverRole;
  readonly hello?: HelloEvent;
  readonly steps: readonly StepResult[];
  /** Set when the driver could not be started at all (exit 2). */
  readonly startFailure?: StartFailure;
  /** 0 every check passed, 1 a check failed, 2 the driver could not be started. */
  readonly exitCode: 0 | 1 | 2;
}
