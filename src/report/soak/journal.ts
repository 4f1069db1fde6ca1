/**
 * The soak's journal, DIR/soak.jsonl (format gearspec-soak-journal/1, docs/soak.md): a start line
 * with the seed and options, then one line per job settled, kill and incident as each happens
 * (src/soak/types.ts SoakEvent), and a summary line when the run ends. Written line by line, so a
 * soak that crashes, is killed or fills the disk still leaves everything it had seen.
 */
import path from 'node:path';
import { LineFile } from '../../line-file.js';
import type { SoakEvent, SoakResult } from '../../soak/types.js';
import type { SoakReportOptions } from './write.js';

export const SOAK_JOURNAL_FORMAT = 'gearspec-soak-journal/1';

export class SoakJournal {
  readonly #file: LineFile;

  constructor(dir: string, start: { readonly seed: number; readonly runToken: string; readonly options: SoakReportOptions }) {
    this.#file = new LineFile(path.join(dir, 'soak.jsonl'));
    this.#file.write(JSON.stringify({ kind: 'start', format: SOAK_JOURNAL_FORMAT, startedAt: new Date().toISOString(), ...start }));
  }

  get path(): string {
    return this.#file.path;
  }

  event(e: SoakEvent): void {
    this.#file.write(JSON.stringify(e));
  }

  /** The last line: the totals and each finding's verdict (their transcripts are in soak.json). */
  end(result: SoakResult, exitCode: number): void {
    const findings = result.findings.map((f) => ({ job: f.job, verdict: f.verdict, handles: f.handles }));
    this.#file.write(JSON.stringify({ kind: 'summary', exitCode, stoppedBy: result.stoppedBy, totals: result.totals, findings, report: 'soak.json' }));
    this.#file.close();
  }

  /** Ends the file without a summary (the run could not finish: a peer did not start). */
  close(): void {
    this.#file.close();
  }
}
