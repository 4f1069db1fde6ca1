/**
 * A vitest globalSetup for peer suites (wire it in vitest.config.ts: `globalSetup:
 * ['src/peers/global-setup.ts']`). With Ryuk off, a run that was killed leaves its containers
 * running; this sweeps containers whose harness process is gone, before the run and after it.
 * Without a container engine it does nothing.
 */
import { sweepLeftoverContainers } from './container.js';
import { containerEngineAvailable } from './provider.js';

async function sweep(when: string): Promise<void> {
  if (!containerEngineAvailable()) return;
  try {
    const removed = await sweepLeftoverContainers();
    if (removed > 0) console.warn(`gearspec: removed ${removed} leftover peer container(s) ${when}`);
  } catch (e) {
    console.warn(`gearspec: sweeping leftover containers ${when} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  await sweep('from an earlier run');
  return () => sweep('after this run');
}
