import { cursorText, type RunSummary, syncCounts } from '@databridge/engine';

const n = (x: number) => x.toLocaleString('en-US');

/** The end-of-run summary for a terminal. */
export function renderSummary(s: RunSummary): string {
  const out: string[] = [];
  out.push(`Run ${s.runId} ${s.status.toUpperCase()} in ${s.seconds.toFixed(2)} s`);
  if (s.error) out.push(`  ${s.error.code}: ${s.error.message}`);
  const width = Math.max(10, ...s.tables.map((t) => `${t.source} -> ${t.target}`.length));
  out.push('');
  out.push(
    `  ${'table'.padEnd(width)}  ${'read'.padStart(10)} ${'written'.padStart(10)} ${'rejected'.padStart(9)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(10)}`,
  );
  for (const t of s.tables) {
    out.push(
      `  ${`${t.source} -> ${t.target}`.padEnd(width)}  ${n(t.rowsRead).padStart(10)} ${n(t.rowsWritten).padStart(10)} ${n(t.rowsRejected).padStart(9)} ${t.seconds.toFixed(2).padStart(8)} ${n(t.rowsPerSecond).padStart(10)}`,
    );
  }
  out.push(
    `  ${'total'.padEnd(width)}  ${n(s.totals.rowsRead).padStart(10)} ${n(s.totals.rowsWritten).padStart(10)} ${n(s.totals.rowsRejected).padStart(9)} ${s.seconds.toFixed(2).padStart(8)} ${n(s.totals.rowsPerSecond).padStart(10)}`,
  );
  out.push('');
  out.push(
    `  stages: ${s.stages.map((st) => `${st.id} ${st.status} ${st.seconds.toFixed(2)}s`).join(' · ')}`,
  );
  const checked = s.validation.filter((v) => 'matches' in v.checksum).length;
  if (s.validation.length > 0) {
    const bad = s.validation.filter((v) => v.problems.length > 0).length;
    out.push(
      `  validation: ${s.validation.length} tables counted, ${checked} checksummed, ${bad === 0 ? 'all equal' : `${bad} differ`}`,
    );
  }
  if (s.sourceSnapshot)
    out.push(`  source snapshot: ${s.sourceSnapshot.message.replace(/^staged extract: /, '')}`);
  for (const x of s.sync ?? []) {
    const mapping = s.tables.find((t) => t.mappingId === x.mappingId);
    const name = mapping ? `${mapping.source} -> ${mapping.target}` : x.table;
    out.push(
      `  sync ${name} (${x.mode} on ${x.cursor}): cursor ${cursorText(x.cursorBefore)} -> ${cursorText(x.cursorAfter)}; ${syncCounts(x)}`,
    );
  }
  for (const c of s.cleanse ?? []) {
    const mapping = s.tables.find((t) => t.mappingId === c.mappingId);
    const name = mapping ? `${mapping.source} -> ${mapping.target}` : c.table;
    const steps = c.steps.map((st) => `${st.step} ${n(st.rejected)}`).join(', ');
    out.push(`  cleanse ${name}: ${n(c.staged)} staged; taken out: ${steps}; ${n(c.passed)} to load`);
  }
  for (const t of s.tables) if (t.rejectsFile) out.push(`  rejected rows of ${t.target}: ${t.rejectsFile}`);
  for (const h of s.hooks)
    out.push(
      `  ${h.phase} hook ${h.name}: ${h.ok ? 'ok' : 'FAILED'} (${h.seconds.toFixed(2)} s)${h.ok ? '' : `: ${h.output}`}`,
    );
  for (const r of s.rules) out.push(`  rule ${r.name}: ${r.ok ? 'ok' : r.message}`);
  if (s.warnings.length > 0)
    out.push(`  ${s.warnings.length} plan warning(s): see the report or \`databridge plan\``);
  if (s.report) out.push(`  report: ${s.report.html}`);
  out.push(`  log: ${s.log}`);
  if (s.resumeWith) out.push(`  resume: ${s.resumeWith}`);
  return `${out.join('\n')}\n`;
}

/** The `--json` summary: status and, per table, rows read, written, rejected, seconds and rows/s. */
export function summaryJson(s: RunSummary): unknown {
  return s;
}
