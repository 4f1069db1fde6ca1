/**
 * Is anything accepting TCP connections at host:port? Every command that is given a server to
 * talk to (certify, interop --server, fuzz, replay, record's upstream) asks first, so a server
 * nobody runs is one line on stderr and exit 2, not a page of failures.
 */
import { reach } from '../transport/reachable.js';

/** Undefined when a connection opened within `ms`; otherwise why not, in words. */
export async function unreachable(host: string, port: number, ms: number): Promise<string | undefined> {
  const r = await reach(host, port, ms);
  return r.state === 'open' ? undefined : r.why;
}

/** The one line every command prints for an unreachable server (callers then exit 2). */
export function unreachableLine(command: string, host: string, port: number, why: string): string {
  return `gearspec ${command}: cannot reach ${host.includes(':') ? `[${host}]` : host}:${port}: ${why}\n`;
}

/**
 * For commands that stop at an unreachable server (interop --server, soak --server): the line for
 * the first of `targets` nothing accepts connections at; true when there was one (exit 2).
 */
export async function reportUnreachable(command: string, targets: readonly { readonly host: string; readonly port: number }[], ms = 3000): Promise<boolean> {
  for (const t of targets) {
    const why = await unreachable(t.host, t.port, ms);
    if (why) {
      process.stderr.write(unreachableLine(command, t.host, t.port, why));
      return true;
    }
  }
  return false;
}
