/** Number formats shared by the console and the Markdown report. */

export const seconds = (s: number | null | undefined) => (s === null || s === undefined ? '–' : s.toFixed(2));
export const rate = (r: number | null | undefined) =>
  r === null || r === undefined ? '–' : Math.round(r).toLocaleString('en-US');
export const ratio = (r: number | null | undefined) =>
  r === null || r === undefined ? '–' : `${r.toFixed(2)}×`;
export const mb = (m: number | null | undefined) =>
  m === null || m === undefined ? '–' : `${m.toFixed(0)} MB`;
export const count = (n: number) => n.toLocaleString('en-US');
export const verdict = (pass: boolean | null) =>
  pass === null ? 'no result' : pass ? '**PASS**' : '**FAIL**';

/** A Markdown table (GitHub flavour); cells must not contain `|`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '/')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
