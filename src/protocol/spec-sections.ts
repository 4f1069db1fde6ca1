/**
 * The sections of gearspec's protocol specification (docs/spec.md): the one table of section
 * numbers and titles. A case record's `section` field is one of these numbers, and reports show
 * the title next to it (specLabel) with a link to its anchor (specHref). Every section has the anchor `s<number>` in docs/spec.md (`<a id="s4.9"></a>` before its
 * heading); suites/conformance/spec.test.ts checks that this table and the document's headings
 * agree and that every case's section is here.
 */

/** Path of the specification inside the gearspec package (relative to its root). */
export const SPEC_PATH = 'docs/spec.md';

/** One section of docs/spec.md: its number (the anchor is `s<number>`) and its heading title. */
interface SpecSection {
  readonly section: string;
  readonly title: string;
}

/** Every numbered section, in document order. */
export const SPEC_SECTIONS: readonly SpecSection[] = [
  { section: '1', title: 'Framing' },
  { section: '1.1', title: 'Binary packet' },
  { section: '1.2', title: 'Stream parsing and limits' },
  { section: '1.3', title: 'Stream parsing in Perl Gearman::Server' },
  { section: '1.4', title: 'Text and binary on one port' },
  { section: '1.5', title: 'Port' },
  { section: '2', title: 'Packet types' },
  { section: '3', title: 'Admin text protocol' },
  { section: '3.1', title: 'Line format' },
  { section: '3.2', title: 'Commands' },
  { section: '3.3', title: 'Commands of Perl Gearman::Server' },
  { section: '3.4', title: 'Admin differences between servers' },
  { section: '4', title: 'Behaviour' },
  { section: '4.1', title: 'Job handles' },
  { section: '4.2', title: 'Unique IDs and coalescing' },
  { section: '4.3', title: 'Priorities' },
  { section: '4.4', title: 'Background jobs and GET_STATUS' },
  { section: '4.5', title: 'Worker flow: CAN_DO, PRE_SLEEP and NOOP' },
  { section: '4.6', title: 'Grab variants' },
  { section: '4.7', title: 'Worker disconnect mid-job' },
  { section: '4.8', title: 'CAN_DO_TIMEOUT' },
  { section: '4.9', title: 'Exceptions: OPTION_REQ and WORK_EXCEPTION' },
  { section: '4.10', title: 'Forwarding of WORK_* packets' },
  { section: '4.11', title: 'SUBMIT_JOB_EPOCH' },
  { section: '4.12', title: 'maxqueue limits' },
  { section: '4.13', title: 'ERROR packets' },
  { section: '4.14', title: 'Bad input' },
  { section: '4.15', title: 'Other details' },
  { section: '4.16', title: 'Restarts, several servers and slow readers' },
  { section: '4.17', title: 'Persistent queues' },
  { section: '5', title: 'Differences between implementations' },
  { section: '6', title: 'Portable subset' },
];

const TITLES: ReadonlyMap<string, string> = new Map(SPEC_SECTIONS.map((s) => [s.section, s.title]));

/** The anchor of a section in docs/spec.md, e.g. "4.9" → "s4.9". */
export const specAnchor = (section: string): string => `s${section}`;

/** The title of a section, or undefined for a number the specification does not have. */
function specSectionTitle(section: string): string | undefined {
  return TITLES.get(section);
}

/** "§4.9 Exceptions: OPTION_REQ and WORK_EXCEPTION"; just "§4.9" for an unknown number. */
export function specLabel(section: string): string {
  const title = specSectionTitle(section);
  return title === undefined ? `§${section}` : `§${section} ${title}`;
}

/** A link to a section: `base` is where docs/spec.md is (a path or URL), default SPEC_PATH. */
export const specHref = (section: string, base: string = SPEC_PATH): string => `${base}#${specAnchor(section)}`;
