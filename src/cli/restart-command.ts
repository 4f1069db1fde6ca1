/**
 * certify --restart-cmd: how the durability cases (spec §4.17) restart a server gearspec did not
 * start. The command runs through the shell and must return once the server has been stopped and
 * started again (`systemctl restart gearman-job-server`, `docker restart gm`); then the server
 * must answer ECHO_REQ on its address again. Both steps have a deadline; a failure is the case's
 * failure, with the command's own output.
 */
import { execa } from 'execa';
import { errorMessage } from '../errors.js';
import { waitForServerReady } from '../peers/readiness.js';
import type { Target } from '../runner/context.js';

/** Output of the command kept for the error, in characters. */
const OUTPUT_TAIL = 2000;

export function restartByCommand(command: string, target: Target, deadlineMs: number): () => Promise<Target> {
  return async () => {
    const run = await execa(command, [], { shell: true, reject: false, all: true, timeout: deadlineMs, stdin: 'ignore' });
    const output = (run.all ?? '').slice(-OUTPUT_TAIL).trim();
    if (run.timedOut) throw new Error(`--restart-cmd did not finish within ${deadlineMs} ms${output ? `; its output: ${output}` : ''}`);
    if (run.exitCode !== 0) throw new Error(`--restart-cmd exited with ${run.exitCode ?? run.signal}${output ? `; its output: ${output}` : ''}`);
    try {
      await waitForServerReady('echo', { name: target.name, host: target.host, port: target.port, signal: AbortSignal.timeout(deadlineMs) });
    } catch (e) {
      throw new Error(`after --restart-cmd the server did not answer ECHO_REQ at ${target.host}:${target.port} within ${deadlineMs} ms (${errorMessage(e)})`);
    }
    return target;
  };
}
