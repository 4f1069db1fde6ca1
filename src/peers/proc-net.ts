/**
 * Who owns a listening TCP port, from Linux /proc. gearmand (C and Perl) does not exit when its
 * port is taken: C retries bind() forever, silently. Without this check a readiness probe could
 * get an answer from whatever else holds the port and call our peer ready.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

type ListenerOwner = 'ours' | 'other' | 'none' | 'unknown';

async function listeningInodes(port: number): Promise<Set<string> | undefined> {
  const inodes = new Set<string>();
  let readAny = false;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await readFile(table, 'utf8');
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const local = cols[1]!;
      const state = cols[3]!;
      const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
      if (state === '0A' && localPort === port) inodes.add(cols[9]!);
    }
  }
  return readAny ? inodes : undefined;
}

/** Whether any process listens on `port`: after our server exited, that listener is another's. */
export async function someoneListensOn(port: number): Promise<boolean> {
  return ((await listeningInodes(port))?.size ?? 0) > 0;
}

/** `pid` and its descendants, a few levels deep (a server under tini, or exec'd by a launcher). */
async function processTree(pid: number, depth = 4): Promise<number[]> {
  if (depth === 0) return [pid];
  let children: number[] = [];
  try {
    children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    // gone, or no children file: the process alone
  }
  const below = await Promise.all(children.map((c) => processTree(c, depth - 1)));
  return [pid, ...below.flat()];
}

/** Whether the process `pid` (or one of its descendants) holds the listening socket on `port` (any local address). */
export async function listenerOwner(pid: number, port: number): Promise<ListenerOwner> {
  const inodes = await listeningInodes(port);
  if (inodes === undefined) return 'unknown';
  if (inodes.size === 0) return 'none';
  let readable = false;
  for (const p of await processTree(pid)) {
    let fds: string[];
    try {
      fds = await readdir(`/proc/${p}/fd`);
      readable = true;
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = await readlink(`/proc/${p}/fd/${fd}`);
        const m = /^socket:\[(\d+)\]$/.exec(target);
        if (m && inodes.has(m[1]!)) return 'ours';
      } catch {
        // fd closed between readdir and readlink
      }
    }
  }
  return readable ? 'other' : 'unknown';
}
