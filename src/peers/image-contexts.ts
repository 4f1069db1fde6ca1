/**
 * Where each peer image (registry ImageName) is built from. The server images are plain folders
 * under docker/; the driver images are staged: their Dockerfile plus the driver sources (and, for
 * the polyglot image, the pinned dependencies and binaries `gearspec peers install` put under
 * .peers/), copied into one folder named by its content, so an edited driver gets a new image
 * (ensureImage tags it with a hash of the folder) and runs share one staged copy.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ERROR_CODES, PeerError } from '../errors.js';
import { type ContainerSpec, PEER_NAMES, PEERS, type ImageName, type PeerRecord } from './registry/index.js';
import { repoRoot } from './repo-paths.js';

interface StagedImage {
  /** Package-relative paths → their place in the build context (files or whole folders). */
  readonly copy: readonly (readonly [string, string])[];
}

/** The polyglot image: its Dockerfile plus every path its peers' records stage, under root/. */
function polyglotPlan(): StagedImage {
  const paths = new Set<string>();
  for (const n of PEER_NAMES) {
    const r: PeerRecord = PEERS[n];
    for (const c of [r.driver?.container, r.server?.container]) if (c?.image === 'polyglot') for (const p of c.stage ?? []) paths.add(p);
  }
  return { copy: [['docker/polyglot/Dockerfile', 'Dockerfile'], ...[...paths].sort().map((p) => [p, `root/${p}`] as const)] };
}

const STAGED: Readonly<Partial<Record<ImageName, () => StagedImage>>> = {
  drivers: () => ({
    copy: [
      ['docker/drivers/Dockerfile', 'Dockerfile'],
      ['src/peers/drivers/php/driver.php', 'php/driver.php'],
      ['src/peers/drivers/perl/driver.pl', 'perl/driver.pl'],
      ['src/peers/drivers/c/driver.c', 'c/driver.c'],
    ],
  }),
  polyglot: polyglotPlan,
};

const staged = new Map<ImageName, string>();

function hashInto(hash: ReturnType<typeof createHash>, abs: string, rel: string): void {
  const st = statSync(abs);
  if (st.isDirectory()) {
    for (const e of readdirSync(abs).sort()) hashInto(hash, path.join(abs, e), `${rel}/${e}`);
  } else if (st.isFile()) {
    hash.update(rel).update('\0').update(readFileSync(abs)).update('\0');
  }
}

/** The build-context folder of `image`. */
export function imageContext(image: ImageName): string {
  const makePlan = STAGED[image];
  if (!makePlan) return path.join(repoRoot(), 'docker', image);
  const done = staged.get(image);
  if (done) return done;
  const plan = makePlan();
  const root = repoRoot();
  const hash = createHash('sha256');
  for (const [from, to] of plan.copy) {
    const abs = path.join(root, from);
    if (!existsSync(abs)) throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, `${image} image`, `${from} is missing; run \`npx gearspec peers install\` first`);
    hashInto(hash, abs, to);
  }
  const dir = path.join(os.tmpdir(), `gearspec-${image}-context-${hash.digest('hex').slice(0, 12)}`);
  if (!existsSync(path.join(dir, 'Dockerfile'))) {
    const tmp = `${dir}.${process.pid}.tmp`;
    for (const [from, to] of plan.copy) {
      mkdirSync(path.dirname(path.join(tmp, to)), { recursive: true });
      cpSync(path.join(root, from), path.join(tmp, to), { recursive: true, dereference: true });
    }
    try {
      renameSync(tmp, dir); // atomic: a parallel run never builds from a half-copied folder
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process published it first
    }
  }
  staged.set(image, dir);
  return dir;
}

/** What runContainer needs to build (once) and run a registry image. */
export interface PeerImage {
  readonly dockerfileDir: string;
  /** `gearspec-<image>`, with `-<release>` for another Debian release's build. */
  readonly imageName: string;
  /** DEBIAN_RELEASE for an image of another release (the Dockerfiles default to the current one). */
  readonly buildArgs: Readonly<Record<string, string>>;
}

export function peerImage(spec: Pick<ContainerSpec, 'image' | 'release'>): PeerImage {
  const dockerfileDir = imageContext(spec.image);
  if (spec.release === undefined) return { dockerfileDir, imageName: `gearspec-${spec.image}`, buildArgs: {} };
  return { dockerfileDir, imageName: `gearspec-${spec.image}-${spec.release}`, buildArgs: { DEBIAN_RELEASE: spec.release } };
}
