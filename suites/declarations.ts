/**
 * The one place where gearspec's declarations meet its engines: the conformance and library case
 * catalogues, the interop matrix's scenarios, expectations, races and wire findings, and the
 * folders of the committed baselines, as the
 * `Declarations` the CLI receives (src/cli/declarations.ts). bin/gearspec.js passes this value to
 * the CLI's main; the CLI and interop suites pass it to what they run in-process.
 */
import type { Declarations } from '../src/cli/declarations.js';
import { CATALOGUE } from './conformance/catalogue.js';
import { EXPECTATIONS, WIRE_FINDINGS } from './interop/expectations.js';
import { RACES } from './interop/expectations/races.js';
import { PROBE, SCENARIOS } from './interop/scenarios/index.js';
import { LIBRARY_CATALOGUE } from './library/catalogue.js';

export const DECLARATIONS: Declarations = {
  serverCases: CATALOGUE,
  libraryCases: LIBRARY_CATALOGUE,
  interop: { scenarios: SCENARIOS, probe: PROBE, expectations: EXPECTATIONS, races: RACES, wireFindings: WIRE_FINDINGS },
  baselineDirs: { server: 'suites/conformance/baselines', library: 'suites/library/baselines' },
};
