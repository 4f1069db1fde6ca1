/**
 * Builds a peer image from a Dockerfile folder once per content: the tag carries a hash of the
 * folder, so an unchanged Dockerfile is never rebuilt (not even across runs) and an edited one
 * always is. Builds are memoised in-process, so parallel starts share one build.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { GenericContainer, ImageName } from 'testcontainers';
import { beforeDeadline } from '../deadline.js';
import { ERROR_CODES, PeerError, errorMessage } from '../errors.js';
import { containerRuntime } from './container-runtime.js';

const builds = new Map<string, Promise<string>>();

async function hashDir(dir: string, extra: string): Promise<string> {
  const hash = createHash('sha256');
  if (extra) hash.update(extra).update('\0');
  const walk = async (rel: string): Promise<void> => {
    const entries = (await readdir(path.join(dir, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const child = path.join(rel, e.name);
      if (e.isDirectory()) await walk(child);
      else if (e.isFile())
        hash
          .update(child)
          .update('\0')
          .update(await readFile(path.join(dir, child)))
          .update('\0');
    }
  };
  await walk('');
  return hash.digest('hex').slice(0, 12);
}

/** `localhost/<imageName>:<content hash>`, built if missing. */
export function ensureImage(peer: string, imageName: string, dockerfileDir: string, buildTimeoutMs = 600_000, buildArgs: Readonly<Record<string, string>> = {}): Promise<string> {
  const key = `${imageName}\0${dockerfileDir}\0${JSON.stringify(buildArgs)}`;
  let build = builds.get(key);
  if (!build) {
    build = buildImage(peer, imageName, dockerfileDir, buildTimeoutMs, buildArgs);
    builds.set(key, build);
    // A failed build must be retried by the next caller, not cached.
    build.catch(() => builds.delete(key));
  }
  return build;
}

async function buildImage(peer: string, imageName: string, dockerfileDir: string, timeoutMs: number, buildArgs: Readonly<Record<string, string>>): Promise<string> {
  let tag: string;
  try {
    // The build arguments are part of what the image is: the same folder built FROM another release.
    const args = Object.entries(buildArgs).sort(([a], [b]) => a.localeCompare(b));
    tag = `localhost/${imageName}:${await hashDir(dockerfileDir, args.length ? JSON.stringify(args) : '')}`;
  } catch (e) {
    throw new PeerError(ERROR_CODES.PEER_UNAVAILABLE, peer, `cannot read Dockerfile folder ${dockerfileDir}: ${errorMessage(e)}`, '', { cause: e });
  }
  const client = await containerRuntime(peer);
  if (await client.image.exists(ImageName.fromString(tag))) return tag;
  try {
    await beforeDeadline(
      GenericContainer.fromDockerfile(dockerfileDir)
        .withBuildArgs({ ...buildArgs })
        .build(tag, { deleteOnExit: false }),
      timeoutMs,
      () => new Error(`build did not finish within ${timeoutMs} ms`),
    );
  } catch (e) {
    throw new PeerError(ERROR_CODES.PEER_START_FAILED, peer, `building image ${tag} from ${dockerfileDir} failed: ${errorMessage(e)}`, '', { cause: e });
  }
  return tag;
}
