/**
 * Writes a soak's JSON report, DIR/soak.json: the run's result (src/soak/types.ts) with the format
 * tag, the exit code and the options it ran with. The format is described in docs/soak.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SoakResult } from '../../soak/types.js';

export const SOAK_FORMAT = 'gearspec-soak/1';

/** The options as the user gave them (after defaults), for the report. */
export interface SoakReportOptions {
  readonly target: string;
  readonly clients: readonly string[];
  readonly workers: readonly string[];
  readonly jobs: number | null;
  readonly durationS: number | null;
  readonly priorities: readonly string[];
  readonly maxPayload: number;
  readonly killEvery: number | null;
  readonly restartEvery: number | null;
  readonly jobTimeoutS: number;
  readonly provider: string;
  readonly cleanup: boolean;
}

/** Writes the report and returns its path. */
export function writeSoakReport(dir: string, result: SoakResult, options: SoakReportOptions, exitCode: number): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'soak.json');
  const { seed, ...rest } = result;
  writeFileSync(file, `${JSON.stringify({ format: SOAK_FORMAT, exitCode, generatedAt: new Date().toISOString(), seed, options, ...rest }, null, 2)}\n`);
  return file;
}
