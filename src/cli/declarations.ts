/**
 * What the CLI runs but does not own: the case catalogues, the interop matrix's declarations and
 * the committed baselines.
 * They are written in suites/, which depends on src/ and never the reverse, so the CLI receives
 * them: the executable entry (bin/gearspec.js) passes main() the value suites/declarations.ts
 * composes, and the CLI suites pass the same value to the commands they run in-process.
 */
import type { InteropDeclarations } from '../interop/declared.js';
import type { CaseDef } from '../runner/case-def.js';
import type { LibraryCaseDef } from '../runner/library/run-library.js';

export interface Declarations {
  /** The server conformance catalogue, in run order (certify --server/--peer/--reference). */
  readonly serverCases: readonly CaseDef[];
  /** The library catalogue: client cases, then worker cases (certify --client/--worker). */
  readonly libraryCases: readonly LibraryCaseDef[];
  /** Scenarios, probe, expectations, races and wire findings of the interop matrix (interop). */
  readonly interop: InteropDeclarations;
  /**
   * Folders of the committed baselines, relative to the package root, with `/` separators (they
   * are shown in reports): one file per server peer and version, one per driver and role.
   */
  readonly baselineDirs: { readonly server: string; readonly library: string };
}
