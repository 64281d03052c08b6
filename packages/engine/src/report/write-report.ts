import { renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';
import type { RunSummary } from '../run/run-summary.ts';
import { renderHtmlReport } from './html-report.ts';

/**
 * Writes `report.json` and a self-contained `report.html` into `<reportsDir>/<runId>/`, each to a
 * temporary file renamed over the old one, so that a process killed while writing leaves the previous
 * report or none, never half of one.
 */
export function writeReport(summary: RunSummary, reportsDir: string): { json: string; html: string } {
  const dir = resolve(reportsDir, summary.runId);
  makePrivateDir(dir);
  const paths = { json: join(dir, 'report.json'), html: join(dir, 'report.html') };
  const withPaths = { ...summary, report: paths };
  writeWhole(paths.json, `${JSON.stringify(withPaths, null, 2)}\n`);
  writeWhole(paths.html, renderHtmlReport(withPaths));
  return paths;
}

function writeWhole(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text, { mode: PRIVATE_FILE_MODE });
  renameSync(partial, path);
}
