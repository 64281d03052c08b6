import type { DryRunResult, MappingPreview, PreviewColumn, PreviewRow } from '@databridge/engine';

const n = (x: number) => x.toLocaleString('en-US');

/** Longest value shown in a preview cell; the rest is cut with `…`. */
const CELL_CHARACTERS = 32;

/**
 * Each mapping's sample as a compact table: one line per row, each target column as
 * `source value → target value` (the arrow only where they differ), rejected rows with their reason.
 */
export function renderPreview(previews: readonly MappingPreview[]): string {
  const out: string[] = [];
  for (const p of previews) {
    const rejected = p.rows.filter((r) => r.rejected).length;
    const order = p.orderedBy.length > 0 ? `by ${p.orderedBy.join(', ')}` : 'in source order (no key)';
    out.push(
      `${p.source} -> ${p.target} (${p.mappingId}): first ${p.rows.length} row(s) ${order}` +
        (rejected > 0 ? `, ${rejected} would be rejected` : ''),
    );
    const how = p.columns.filter(notPlain).map(describe);
    if (how.length > 0) out.push(`  ${how.join(' · ')}`);
    const header = [...p.columns.map((c) => (c.deferred ? `${c.target}*` : c.target)), ''];
    const lines = p.rows.map((row) => [...p.columns.map((c) => cell(c, row)), status(row)]);
    out.push(...table([header, ...lines]).map((line) => `  ${line}`));
    if (p.rows.length === 0) out.push('  (no rows)');
    if (p.columns.some((c) => c.deferred)) {
      out.push('  * deferred: loaded as NULL, then filled with the source value once every row is in');
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

function notPlain(c: PreviewColumn): boolean {
  return c.transform.length > 0 || c.expression !== undefined || c.default !== undefined || c.deferred;
}

function describe(c: PreviewColumn): string {
  const from = c.source ?? (c.expression !== undefined ? `(${c.expression})` : 'nothing');
  const ops = c.transform.map((op) => (typeof op === 'string' ? op : JSON.stringify(op)));
  const parts = [`${c.target} ← ${from}`];
  if (ops.length > 0) parts.push(`[${ops.join(', ')}]`);
  if (c.default !== undefined) parts.push(`default ${JSON.stringify(c.default)}`);
  return parts.join(' ');
}

function cell(c: PreviewColumn, row: PreviewRow): string {
  const name = c.source ?? c.expression;
  const read = name !== undefined ? show(row.source[name]) : undefined;
  if (!row.target) return read ?? '';
  const written = show(row.target[c.target]);
  return read === undefined || read === written ? written : `${read} → ${written}`;
}

function status(row: PreviewRow): string {
  return row.rejected ? `✗ rejected: ${row.rejected.column}: ${row.rejected.reason}` : '';
}

/** A value as a cell: NULL apart from the text "NULL", quotes only where white space would hide. */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value !== 'string') return String(value);
  const chars = Array.from(value);
  const cut = chars.length > CELL_CHARACTERS ? `${chars.slice(0, CELL_CHARACTERS - 1).join('')}…` : value;
  const plain = cut.replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return value === '' || value === 'NULL' || /^\s|\s$/.test(value) ? JSON.stringify(cut) : plain;
}

/** Left-aligned columns two spaces apart, measured in characters; the last column is not padded. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => Array.from(r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((text, i) => (i === r.length - 1 ? text : text + ' '.repeat(widths[i]! - Array.from(text).length)))
      .join('  ')
      .trimEnd(),
  );
}

/** The dry run's outcome: per table rows read, written and rejected, every rejected row, then the notes. */
export function renderDryRun(r: DryRunResult): string {
  const out: string[] = [];
  const verdict =
    r.totals.rowsRejected === 0
      ? 'nothing would be rejected'
      : `${n(r.totals.rowsRejected)} row(s) would be rejected`;
  out.push(`Dry run of "${r.specName}" (at most ${n(r.limit)} rows per table, rolled back): ${verdict}`);
  out.push(`  ${r.source} -> ${r.target}`, '');
  const rows = [
    ['table', 'read', 'would write', 'rejected'],
    ...r.tables.map((t) => [
      `${t.source} -> ${t.target}`,
      n(t.rowsRead),
      n(t.rowsWritten),
      n(t.rowsRejected),
    ]),
    ['total', n(r.totals.rowsRead), n(r.totals.rowsWritten), n(r.totals.rowsRejected)],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) {
    out.push(
      `  ${row.map((text, i) => (i === 0 ? text.padEnd(widths[i]!) : text.padStart(widths[i]!))).join('  ')}`,
    );
  }
  const rejected = r.tables.flatMap((t) => t.rejected);
  if (rejected.length > 0) {
    out.push('', `Rejected rows (${n(rejected.length)}):`);
    for (const row of rejected) {
      const data = JSON.stringify(row.row);
      out.push(
        `  ${row.table}${row.column ? `.${row.column}` : ''}: ${row.reason}`,
        `      row ${data.length > 200 ? `${data.slice(0, 199)}…` : data}`,
      );
    }
  }
  out.push('', 'Notes:', ...r.notes.map((note) => `  - ${note}`));
  return `${out.join('\n')}\n`;
}
