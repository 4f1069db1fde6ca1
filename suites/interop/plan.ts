/**
 * Which cells of the client × worker product a run covers. `full` is the whole space (what
 * `gearspec interop` runs by default). `ring` is what `npm test` runs: the libraries Debian ships
 * (libgearman through PHP and C, Perl) in their full product with the reference, as before, and
 * every other library paired with the reference counterpart (its client with the reference worker,
 * the reference client with its worker), on every server. The ring grows by two cells per server
 * for each new library instead of by a row and a column.
 */
import type { DriverPeerName } from '../../src/peers/registry/index.js';

export type MatrixPlan = 'full' | 'ring';
export const MATRIX_PLANS: readonly MatrixPlan[] = ['full', 'ring'];

const FULL_PRODUCT: readonly DriverPeerName[] = ['reference', 'libgearman-c', 'php', 'perl'];
const inProduct = (name: string): boolean => (FULL_PRODUCT as readonly string[]).includes(name);

export function cellFilter(plan: MatrixPlan): ((client: string, worker: string) => boolean) | undefined {
  if (plan === 'full') return undefined;
  return (client, worker) => (inProduct(client) && inProduct(worker)) || client === 'reference' || worker === 'reference';
}
