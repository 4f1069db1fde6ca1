/**
 * Packet-level silence for TCP connections on this machine: iptables rules that drop every packet
 * to and from a local port, so even the kernel on that side answers nothing (no ACK to a
 * keepalive probe, no RST), which is what a vanished host looks like to its peer. A relay that
 * merely stops passing bytes on cannot show this: its own kernel still answers the probes.
 * Needs root and iptables (the CI machine has both). Each rule carries a comment naming this
 * process, and every rule still in place is removed when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { ERROR_CODES, GearspecError, errorMessage } from '../errors.js';
import { pidAlive } from '../peers/pid.js';

export interface Blackhole {
  /** The local ports whose packets are dropped. */
  readonly ports: readonly number[];
  /** Remove the rules (idempotent). */
  lift(): void;
}

const live = new Set<readonly string[]>();
let exitHooked = false;

function iptables(op: '-I' | '-D', rule: readonly string[]): void {
  execFileSync('iptables', [op, ...rule], { stdio: 'pipe', timeout: 10_000 });
}

/**
 * Rules a gearspec process left behind when it was killed (no exit handler ran): a stale drop on
 * an ephemeral port would break whatever connection gets that port next.
 */
function removeOrphans(): void {
  let listing: string;
  try {
    listing = execFileSync('iptables', ['-S'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch {
    return; // no iptables: the insert below says so
  }
  for (const line of listing.split('\n')) {
    const m = /^-A (\S+) (.*--comment "?gearspec:(\d+)"?.*)$/.exec(line);
    if (!m || pidAlive(Number(m[3]))) continue;
    try {
      execFileSync('iptables', ['-D', m[1]!, ...m[2]!.replace(/"/g, '').split(' ')], { stdio: 'pipe', timeout: 10_000 });
    } catch {
      // Gone already, or not ours to parse: leave it.
    }
  }
}

/** Drop every packet to and from each of `localPorts` (TCP, this machine) until `lift`. */
export function blackhole(localPorts: readonly number[]): Blackhole {
  if (!exitHooked) {
    exitHooked = true;
    removeOrphans();
    process.on('exit', () => {
      for (const rule of live) {
        try {
          iptables('-D', rule);
        } catch {
          // Already gone: nothing to undo.
        }
      }
    });
  }
  const tag = ['-m', 'comment', '--comment', `gearspec:${process.pid}`, '-j', 'DROP'];
  const rules = localPorts.flatMap((p) => [
    ['INPUT', '-p', 'tcp', '--dport', String(p), ...tag],
    ['OUTPUT', '-p', 'tcp', '--sport', String(p), ...tag],
  ]);
  const added: (readonly string[])[] = [];
  const lift = (): void => {
    for (const rule of added.splice(0)) {
      live.delete(rule);
      try {
        iptables('-D', rule);
      } catch {
        // Already gone: nothing to undo.
      }
    }
  };
  try {
    for (const rule of rules) {
      iptables('-I', rule);
      added.push(rule);
      live.add(rule);
    }
  } catch (e) {
    lift();
    throw new GearspecError(ERROR_CODES.HARNESS, `cannot drop the packets of ports ${localPorts.join(', ')} with iptables (root and iptables are needed): ${errorMessage(e)}`, { cause: e });
  }
  return { ports: localPorts, lift };
}
