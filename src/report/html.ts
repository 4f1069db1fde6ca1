/**
 * The self-contained certify HTML report, read top-down in the order a person needs it: the
 * verdict (html/verdict.ts), the failures with their wire logs (html/failures.ts), then the full
 * grid with filters (html/grid.ts). Inline CSS and a few lines of inline JS, no external resources.
 * Passing cases carry no wire log, which keeps a one-server page small; their traffic is in the
 * JSON detail file the grid links to.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../package-root.js';
import { SPEC_PATH } from '../protocol/spec-sections.js';
import type { ServerRun } from '../runner/result.js';
import { type PageContext, standingCss } from './html/common.js';
import { failuresSection } from './html/failures.js';
import { GRID_SCRIPT, gridSection } from './html/grid.js';
import { verdictBanner } from './html/verdict.js';
import { esc } from './xml.js';

/**
 * Where the report links a case's section to: the file URL of docs/spec.md in this gearspec
 * installation, or the package-relative path when the document is not installed.
 */
function defaultSpecLocation(): string {
  const root = packageRoot();
  const file = root === undefined ? undefined : join(root, SPEC_PATH);
  return file !== undefined && existsSync(file) ? pathToFileURL(file).href : SPEC_PATH;
}

interface HtmlOptions {
  /** Where docs/spec.md is for the section links (a path relative to the report, or a URL). Default: defaultSpecLocation(). */
  readonly specLocation?: string;
  /** Where a run's JSON detail file is, relative to the page (certify --out: `json/<server>.json`); passing cases link their wire log there. */
  readonly detailHref?: (run: ServerRun) => string | undefined;
  /** The exit code the run gives, when it is not the runs' own (a server that could not start makes it 2). */
  readonly exitCode?: number;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5em 1.5em;color:#222}
h2{font-size:1.15em;margin:1em 0 .4em} h3{font-size:1em;margin:.2em 0 .3em}
.verdict{margin:0 -1.5em;padding:.8em 1.5em;border-bottom:4px solid}
.verdict h1{margin:0;font-size:1.6em} .verdict .exit{font-size:.7em;padding:1px 8px;border-radius:9px;background:rgba(0,0,0,.15)} .verdict .title{font-size:.6em;font-weight:400}
.verdict .decisive{font-size:1.05em;font-weight:600;margin:.3em 0} .verdict ul.servers{margin:.2em 0;padding-left:1.2em}
.v-pass{background:#e6f4ea;border-color:#2e9d47;color:#14532d} .v-fail{background:#fdecea;border-color:#d33a2c;color:#7a1f16} .v-error{background:#eee;border-color:#222}
.chip,.tag{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600}
article.failure{border-left:5px solid #d33a2c;padding:.3em .8em;margin:.6em 0;background:#fff8f7}
article.f-baselined{border-color:#f6d3cf;background:#fcfcfc} article.f-stale{border-color:#e8710a;background:#fff6ed} article.f-harness-error{border-color:#222;background:#f6f6f6}
.req{margin:.2em 0} .ev{display:flex;gap:2em;flex-wrap:wrap} .ev ul{margin:.2em 0;padding-left:1.2em} .ev p{margin:.2em 0}
details.group>summary h2{display:inline} .count{font-weight:400;color:#666}
table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}
table.matrix td{text-align:center;font-weight:600} table.matrix td a{color:inherit}
table.matrix td.id{text-align:left;font-weight:400;font-family:ui-monospace,monospace;background:#fafafa;color:#222} table.matrix td.id p,table.matrix td.id ul{font-family:system-ui,sans-serif;margin:.2em 0}
tr.section td{background:#eee;text-align:left} a.spec{color:#1a4d8f;text-decoration:none}
.lvl{font-size:.8em;color:#777} .muted{color:#777} .bl{color:#7a1f16}
.filters{position:sticky;top:0;background:#fff;padding:6px 0;z-index:1} .filters label{margin-right:10px}
table.wire{font:12px ui-monospace,monospace;margin:.4em 0 1em} table.wire td.dec{white-space:pre-wrap} table.wire td.hex{color:#666;word-break:break-all;max-width:40em}
tr.send td{background:#f3f8ff} tr.recv td{background:#f4fff3} tr.note td{background:#fffbea}
summary{cursor:pointer} pre.logs{font:12px ui-monospace,monospace;white-space:pre-wrap;max-height:30em;overflow:auto;background:#f6f6f6;padding:.5em}`;

export function renderHtml(runs: readonly ServerRun[], title = 'gearspec certify', options: HtmlOptions = {}): string {
  const ctx: PageContext = { spec: options.specLocation ?? defaultSpecLocation(), detailHref: options.detailHref ?? (() => undefined) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
${STYLE}
${standingCss()}
</style></head><body>
${verdictBanner(runs, title, options.exitCode)}
${failuresSection(runs, ctx)}
${gridSection(runs, ctx)}
<script>
${GRID_SCRIPT}
</script>
</body></html>
`;
}
