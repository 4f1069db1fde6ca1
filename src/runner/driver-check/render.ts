/** Console rendering of driver-check results: one line per step, details under a failure. */
import type { DriverCheckReport, StartFailure, StepResult, StepStatus } from './types.js';

const MARK: Record<StepStatus, string> = { pass: '✓', warn: '!', unsupported: '–', fail: '✗' };

const indent = (text: string, pad: string): string =>
  text
    .split('\n')
    .map((l) => `${pad}${l}`)
    .join('\n');

export function renderStep(r: StepResult, verbose: boolean): string {
  const tag = r.status === 'unsupported' ? ' (not supported)' : r.status === 'warn' ? ' (warning)' : '';
  const lines = [`  ${MARK[r.status]} ${r.name}${tag} — ${r.status === 'fail' ? 'FAILED' : r.message} [${r.ms} ms]`];
  if (r.status === 'fail') {
    lines.push(`      expected: ${r.expected ?? r.message}`);
    if (r.actual) lines.push(`      got:      ${r.actual}`);
    if (r.fix) lines.push(`      fix:      ${r.fix}`);
  } else if (r.status === 'warn' && r.fix) {
    lines.push(`      fix:      ${r.fix}`);
  }
  const showTranscript = verbose || r.status === 'fail';
  if (showTranscript && r.transcript.length) {
    const t = verbose ? r.transcript : r.transcript.slice(-12);
    lines.push(`      control traffic${verbose ? '' : ' (last lines; --verbose for all)'}:`, indent(t.join('\n'), '        '));
  }
  if (r.status === 'fail' && r.driverOutput) lines.push('      driver output (last lines):', indent(r.driverOutput, '        '));
  return lines.join('\n');
}

export function renderStartFailure(f: StartFailure): string {
  const lines = ['  ✗ start — the driver could not be started', `      expected: ${f.expected}`, `      got:      ${f.message}`, `      fix:      ${f.fix}`];
  if (f.driverOutput) lines.push('      driver output (last lines):', indent(f.driverOutput, '        '));
  return lines.join('\n');
}

export function renderSummary(report: DriverCheckReport): string {
  if (report.startFailure) return `driver-check: ${report.driver} (${report.role}) could not be started — exit 2`;
  const count = (s: StepStatus): number => report.steps.filter((r) => r.status === s).length;
  const failed = report.steps.filter((r) => r.status === 'fail').map((r) => r.name);
  const parts = [`${count('pass')} passed`, `${count('warn')} with a warning`, `${count('unsupported')} not supported`, `${count('fail')} failed`];
  return `driver-check: ${report.driver} (${report.role}): ${parts.join(', ')}${failed.length ? `\n  failed: ${failed.join('; ')}` : ''} — exit ${report.exitCode}`;
}
