import type { RunSummary } from '../run/run-summary.ts';
import { CLEANSE_STEPS } from '../staging/cleanse-counts.ts';
import { cursorText, syncCounts } from './sync-words.ts';

const escapeHtml = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** `2 Dec 2026, 14:23:05 UTC` in a `<time>`: readable, and exact for a program. The file has no script, so no local time. */
const when = (iso: string | null | undefined): string => {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeHtml(iso);
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return `<time datetime="${escapeHtml(date.toISOString())}">${escapeHtml(text)} UTC</time>`;
};

const number = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * A report a person can open from disk: no script, no external resource, the web app's font and
 * colours. With `appLink` (the run in the web app) the header links back to it.
 */
export function renderHtmlReport(s: RunSummary, options: { appLink?: string } = {}): string {
  const statusColour =
    s.status === 'completed' ? '#0e9f6e' : s.status === 'cancelled' ? '#b7791f' : '#c81e1e';
  const rows = s.tables
    .map(
      (
        t,
      ) => `<tr><td>${escapeHtml(t.source)}</td><td>${escapeHtml(t.target)}</td><td>${escapeHtml(t.stage.replace('load_', ''))}</td>
<td class="n">${number(t.rowsRead)}</td><td class="n">${number(t.rowsWritten)}</td><td class="n">${number(t.rowsRejected)}</td>
<td class="n">${number(t.seconds, 2)}</td><td class="n">${number(t.rowsPerSecond)}</td></tr>`,
    )
    .join('\n');
  const stages = s.stages
    .map(
      (st) =>
        `<li class="${escapeHtml(st.status)}"><b>${escapeHtml(st.id)}</b> ${escapeHtml(st.status)} · ${number(st.seconds, 2)} s</li>`,
    )
    .join('');
  const validation = s.validation
    .map(
      (
        v,
      ) => `<tr><td>${escapeHtml(v.table)}</td><td class="n">${number(v.sourceRows)}</td><td class="n">${number(v.targetRows)}</td>
<td>${v.countMatches ? 'equal' : 'DIFFERENT'}</td><td>${'matches' in v.checksum ? (v.checksum.matches ? 'equal' : 'DIFFERENT') : `skipped: ${escapeHtml(v.checksum.skipped)}`}</td></tr>`,
    )
    .join('\n');
  const sync = (s.sync ?? [])
    .map(
      (x) =>
        `<tr><td>${escapeHtml(x.table)}</td><td>${escapeHtml(x.mode)} on ${escapeHtml(x.cursor)}</td><td>${escapeHtml(cursorText(x.cursorBefore))}</td><td>${escapeHtml(cursorText(x.cursorAfter))}</td><td>${escapeHtml(syncCounts(x))}</td><td>${x.checksum === null ? '—' : `<code>${escapeHtml(x.checksum)}</code>`}</td></tr>`,
    )
    .join('\n');
  const cleanse = (s.cleanse ?? [])
    .map(
      (c) =>
        `<tr><td>${escapeHtml(c.table)}</td><td class="n">${number(c.staged)}</td>${c.steps.map((st) => `<td class="n">${number(st.rejected)}</td>`).join('')}<td class="n">${number(c.passed)}</td></tr>`,
    )
    .join('\n');
  const warnings = s.warnings
    .map(
      (w) =>
        `<li><b>${escapeHtml(w.kind)}</b> ${escapeHtml(w.table)}${w.column ? `.${escapeHtml(w.column)}` : ''}: ${escapeHtml(w.message)} <i>${escapeHtml(w.fix)}</i></li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>DataBridge run ${escapeHtml(s.runId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.5 ui-sans-serif,system-ui,sans-serif,"Apple Color Emoji","Segoe UI Emoji","Segoe UI Symbol","Noto Color Emoji";margin:0;color:#0f172a;background:#f8fafc}
header{background:#06B6D4;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}header a.back{color:#0f172a;font-weight:600;display:inline-block;margin-bottom:4px}
main{padding:16px 24px;max-width:1100px}section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;margin:12px 0}
table{border-collapse:collapse;width:100%}th,td{padding:4px 8px;border-bottom:1px solid #e2e8f0;text-align:left}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th{background:#32DBBC22}.status{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;background:${statusColour}}
ul.stages{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:8px}ul.stages li{border:1px solid #e2e8f0;border-radius:6px;padding:4px 8px}
li.completed{border-color:#32DBBC!important}li.failed{border-color:#c81e1e!important}li.skipped{opacity:.6}
</style></head><body>
<header>${options.appLink ? `<a class="back" href="${escapeHtml(options.appLink)}">← Back to DataBridge</a>` : ''}<h1>DataBridge · ${escapeHtml(s.specName)}</h1><div>run ${escapeHtml(s.runId)} · ${escapeHtml(s.source)} → ${escapeHtml(s.target)}</div></header>
<main>
<section><span class="status">${escapeHtml(s.status)}</span> ${when(s.startedAt)} → ${when(s.endedAt)} · ${number(s.seconds, 2)} s ·
${number(s.totals.rowsWritten)} rows written · ${number(s.totals.rowsRejected)} rejected · ${number(s.totals.rowsPerSecond)} rows/s
${s.error ? `<p><b>${escapeHtml(s.error.code)}</b>: ${escapeHtml(s.error.message)}</p>` : ''}${s.resumeWith ? `<p>Finish it with <code>${escapeHtml(s.resumeWith)}</code></p>` : ''}</section>
<section><h2>Stages</h2><ul class="stages">${stages}</ul></section>
<section><h2>Tables</h2><table><thead><tr><th>source</th><th>target</th><th>stage</th><th class="n">read</th><th class="n">written</th><th class="n">rejected</th><th class="n">seconds</th><th class="n">rows/s</th></tr></thead><tbody>
${rows}
</tbody><tfoot><tr><th colspan="3">total</th><th class="n">${number(s.totals.rowsRead)}</th><th class="n">${number(s.totals.rowsWritten)}</th><th class="n">${number(s.totals.rowsRejected)}</th><th class="n">${number(s.seconds, 2)}</th><th class="n">${number(s.totals.rowsPerSecond)}</th></tr></tfoot></table></section>
${cleanse ? `<section><h2>Cleanse (staging database)</h2><table><thead><tr><th>table</th><th class="n">staged</th>${CLEANSE_STEPS.map((st) => `<th class="n">taken out by ${st}</th>`).join('')}<th class="n">left to load</th></tr></thead><tbody>${cleanse}</tbody></table></section>\n` : ''}${sync ? `<section><h2>Incremental loads</h2><table><thead><tr><th>table</th><th>sync</th><th>cursor before</th><th>cursor after</th><th>rows</th><th>checksum of the rows moved</th></tr></thead><tbody>${sync}</tbody></table></section>\n` : ''}<section><h2>Validation</h2>${s.validation.length ? `<table><thead><tr><th>table</th><th class="n">source rows</th><th class="n">target rows</th><th>count</th><th>checksum</th></tr></thead><tbody>${validation}</tbody></table>` : '<p>Not run.</p>'}</section>
<section><h2>Rejected rows (${number(s.totals.rowsRejected)})</h2>${
    s.rejectedRows.length
      ? `<table><thead><tr><th>table</th><th>column</th><th>value</th><th>reason</th><th>row</th></tr></thead><tbody>${s.rejectedRows
          .map(
            (r) =>
              `<tr><td>${escapeHtml(r.table)}</td><td>${escapeHtml(r.column ?? '')}</td><td>${escapeHtml(r.value ?? '')}</td><td>${escapeHtml(r.reason)}</td><td><code>${escapeHtml(JSON.stringify(r.row))}</code></td></tr>`,
          )
          .join('\n')}</tbody></table><p>${s.tables
          .filter((t) => t.rejectsFile)
          .map((t) => `${escapeHtml(t.target)}: <code>${escapeHtml(t.rejectsFile)}</code>`)
          .join('<br>')}</p>`
      : '<p>None.</p>'
  }</section>
<section><h2>Hooks and rules</h2>${
    s.hooks.length + s.rules.length === 0
      ? '<p>None.</p>'
      : `<table><thead><tr><th>what</th><th>name</th><th>outcome</th><th class="n">seconds</th><th>output</th></tr></thead><tbody>${[
          ...s.hooks.map(
            (h) =>
              `<tr><td>${escapeHtml(h.phase)} hook (${escapeHtml(h.on)})</td><td>${escapeHtml(h.name)}</td><td>${h.ok ? 'ok' : 'FAILED'}</td><td class="n">${number(h.seconds, 2)}</td><td><code>${escapeHtml(h.output)}</code></td></tr>`,
          ),
          ...s.rules.map(
            (r) =>
              `<tr><td>rule</td><td>${escapeHtml(r.name)}</td><td>${r.ok ? 'ok' : 'FAILED'}</td><td></td><td>${escapeHtml(r.message)}</td></tr>`,
          ),
        ].join('\n')}</tbody></table>`
  }</section>
${s.sourceSnapshot ? `<section><h2>Source snapshot</h2><p>${escapeHtml(s.sourceSnapshot.message)}</p></section>` : ''}
<section><h2>Warnings (${s.warnings.length})</h2>${warnings ? `<ul>${warnings}</ul>` : '<p>None.</p>'}</section>
</main></body></html>
`;
}
