/**
 * Installs registry peers on this machine: first every Debian package they name (one bounded
 * apt run, docker/apt-install.sh), then each record's own install script (pinned npm, PyPI, Go,
 * or crates.io packages built under .peers/), one after another so that their output stays
 * readable. Scripts are idempotent, so a second run is quick.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ERROR_CODES, PeerError } from '../errors.js';
import { PEERS, type PeerName, type PeerRecord } from './registry/index.js';
import { repoRoot } from './repo-paths.js';

const SCRIPT_DEADLINE_MS = 30 * 60_000;

interface InstallStep {
  readonly what: string;
  readonly command: string;
  readonly args: readonly string[];
}

/** The steps that install `names`, in order: the Debian packages, then each distinct script. */
export function installPlan(names: readonly PeerName[]): InstallStep[] {
  const records: PeerRecord[] = names.map((n) => PEERS[n]);
  const root = repoRoot();
  const debian = [...new Set(records.flatMap((r) => r.install?.debian ?? []))];
  const scripts = [...new Set(records.flatMap((r) => (r.install?.script ? [r.install.script] : [])))];
  return [
    ...(debian.length > 0 ? [{ what: `Debian packages (${debian.length})`, command: 'bash', args: [path.join(root, 'docker', 'apt-install.sh'), ...debian] }] : []),
    ...scripts.map((s) => ({ what: s, command: 'bash', args: [path.join(root, s)] })),
  ];
}

/** Runs one step with inherited output; rejects with a PeerError naming the step when it fails. */
export function runInstallStep(step: InstallStep, deadlineMs = SCRIPT_DEADLINE_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(step.command, [...step.args], { stdio: 'inherit', cwd: repoRoot() });
    const timer = setTimeout(() => child.kill('SIGTERM'), deadlineMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new PeerError(ERROR_CODES.PEER_START_FAILED, 'peers install', `${step.what}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new PeerError(
            ERROR_CODES.PEER_START_FAILED,
            'peers install',
            `${step.what} failed (${signal ? `killed by ${signal}${signal === 'SIGTERM' ? ` after ${deadlineMs / 60_000} min` : ''}` : `exit ${code}`})`,
          ),
        );
    });
  });
}
