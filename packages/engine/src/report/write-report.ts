import { renameSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';
import type { RunSummary } from '../run/run-summary.ts';
import { renderHtmlReport } from './html-report.ts';

/**
 * Writes `report.json` and a self-contained `report.html` into `<reportsDir>/<runId>/`, each to a
 * temporary file renamed over the old one, so that a process killed while writing leaves the previous
 * report or none, never half of one. Returns their paths; the files name them as in the run's folder.
 */
export function writeReport(summary: RunSummary, reportsDir: string): { json: string; html: string } {
  const dir = resolve(reportsDir, summary.runId);
  makePrivateDir(dir);
  const paths = { json: join(dir, 'report.json'), html: join(dir, 'report.html') };
  // The files name each other as they lie in the run's folder: every role of the web app may download
  // report.json, and the server's paths are not theirs to read (the CLI prints them from `paths`).
  const inFolder = (file: string) => {
    const below = relative(dir, file);
    return below.startsWith('..') || isAbsolute(below) ? basename(file) : below;
  };
  const written = {
    ...summary,
    report: { json: 'report.json', html: 'report.html' },
    log: summary.log ? inFolder(summary.log) : summary.log,
  };
  writeWhole(paths.json, `${JSON.stringify(written, null, 2)}\n`);
  writeWhole(paths.html, renderHtmlReport(written));
  return paths;
}

function writeWhole(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text, { mode: PRIVATE_FILE_MODE });
  renameSync(partial, path);
}
