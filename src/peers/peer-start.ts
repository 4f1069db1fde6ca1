/**
 * What starting any peer shares, whether a process or a container: how an exit is described, the
 * readiness wait raced against a deadline and the peer exiting early, and the start-failure error
 * that carries the tail of the peer's log.
 */
import { beforeDeadline } from '../deadline.js';
import { ERROR_CODES, PeerError, TimeoutError, type ErrorCode } from '../errors.js';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: string | null;
}

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** A PeerError whose message ends with the last 20 lines of the peer's log (the whole log is kept on it). */
export function withLogTail(code: ErrorCode, name: string, message: string, log: string, cause: unknown): PeerError {
  const tail = log.trim() ? `\n--- last output of ${name} ---\n${log.trim().split('\n').slice(-20).join('\n')}` : ' (no output)';
  return new PeerError(code, name, `${message}${tail}`, log, { cause });
}

interface ReadyRacer {
  /** Label for errors, e.g. "gearmand". */
  readonly name: string;
  /** Resolves when the peer's main process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Names what exited in the early-exit error ("container"); a bare process says nothing. */
  readonly subject?: string;
}

/**
 * Runs `ready` with an AbortSignal and settles with the first of: ready, the deadline
 * (TimeoutError), or the peer exiting (PEER_EXITED). The signal aborts when the wait is abandoned.
 */
export async function raceReady(peer: ReadyRacer, timeoutMs: number, ready: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const abortWith = (err: Error): Error => {
    controller.abort(err);
    return err;
  };
  const earlyExit = peer.exited.then((exit) => {
    throw abortWith(new PeerError(ERROR_CODES.PEER_EXITED, peer.name, `${peer.subject ? `${peer.subject} ` : ''}${describeExit(exit)} before it was ready`));
  });
  try {
    await beforeDeadline(Promise.race([ready(controller.signal), earlyExit]), timeoutMs, () => abortWith(new TimeoutError('waiting for readiness', timeoutMs)));
  } catch (error) {
    // `ready` may reject first, reacting to the abort; the abort's reason (deadline, early exit) is the real story.
    const reason: unknown = controller.signal.reason;
    throw controller.signal.aborted && reason instanceof Error ? reason : error;
  } finally {
    // The losing racer settles later; it must not become an unhandled rejection.
    earlyExit.catch(() => undefined);
    if (!controller.signal.aborted) controller.abort(new Error('readiness settled'));
  }
}
