/**
 * What every part of the certify HTML page shares: the colour and label of each standing (a
 * baselined failure has its own, never the red of a new one), the spec-section link, the anchor of
 * a listed failure, and the wire-log table.
 */
import { specHref, specLabel } from '../../protocol/spec-sections.js';
import { OUTCOME_LEGEND, OUTCOME_SHORT } from '../../runner/outcome.js';
import type { CaseResult, ServerRun } from '../../runner/result.js';
import type { WireEntry } from '../../transport/wire-log.js';
import type { Standing } from '../model.js';
import { slug } from '../model.js';
import { esc } from '../xml.js';

/** What the parts need to know about where the page lives. */
export interface PageContext {
  /** Where docs/spec.md is for the section links. */
  readonly spec: string;
  /** Link to a run's JSON detail file (holding every wire log), relative to the page; undefined when none is written. */
  readonly detailHref: (run: ServerRun) => string | undefined;
}

export const COLORS: Readonly<Record<Standing, { readonly bg: string; readonly fg: string }>> = {
  pass: { bg: '#2e9d47', fg: '#fff' },
  'pass-alternative': { bg: '#5bb0d9', fg: '#fff' },
  'non-strict': { bg: '#e0b400', fg: '#222' },
  fail: { bg: '#d33a2c', fg: '#fff' },
  // Known failures: a pale red with dark text, so a page of them does not read as a page of new ones.
  baselined: { bg: '#f6d3cf', fg: '#7a1f16' },
  stale: { bg: '#e8710a', fg: '#fff' },
  unsupported: { bg: '#9a9a9a', fg: '#fff' },
  informational: { bg: '#8e7cc3', fg: '#fff' },
  skipped: { bg: '#d6d6d6', fg: '#222' },
  blocked: { bg: '#8a5a44', fg: '#fff' },
  'harness-error': { bg: '#222222', fg: '#fff' },
};

export const LABEL: Readonly<Record<Standing, string>> = { ...OUTCOME_SHORT, baselined: 'baselined', stale: 'STALE' };

export const LEGEND: Readonly<Record<Standing, string>> = {
  ...OUTCOME_LEGEND,
  baselined: "a failure listed in the server's baseline file with its reason: known, not counted as failed",
  stale: 'the baseline lists the case but it passed: remove the entry (fails the run)',
};

/** The CSS classes of the standings (`s-<standing>`). */
export const standingCss = (): string => (Object.keys(COLORS) as Standing[]).map((s) => `.s-${s}{background:${COLORS[s].bg};color:${COLORS[s].fg}}`).join('\n');

export const sectionLink = (section: string, spec: string): string => `<a class="spec" href="${esc(specHref(section, spec))}">${esc(specLabel(section))}</a>`;

/** The id of a failure's entry in the failures list. */
export const failureAnchor = (server: string, id: string): string => `f-${slug(server)}-${id.replace(/[^A-Za-z0-9-]/g, '_')}`;

/** The label of a result in the grid: the alternative's choice, or its standing. */
export const cellLabel = (r: CaseResult, s: Standing): string => (s === 'pass-alternative' && r.alternative ? r.alternative.choice : LABEL[s]);

/** The decoded packets (handles and arguments as text, src/protocol/packet.ts) with the bytes beside them. */
export function wireLog(entries: readonly WireEntry[]): string {
  if (entries.length === 0) return '<p class="muted">(no traffic recorded)</p>';
  const rows = entries.map((e) => {
    const arrow = e.dir === 'send' ? '&gt;&gt;' : e.dir === 'recv' ? '&lt;&lt;' : '--';
    return `<tr class="${e.dir}"><td>${e.t.toFixed(1)}</td><td>${arrow}</td><td>${esc(e.conn ?? '')}</td><td class="dec">${esc(e.summary ?? '')}</td><td class="hex">${esc(e.hex ?? '')}</td></tr>`;
  });
  return `<table class="wire"><tr><th>ms</th><th></th><th>conn</th><th>decoded</th><th>bytes (hex)</th></tr>${rows.join('')}</table>`;
}
