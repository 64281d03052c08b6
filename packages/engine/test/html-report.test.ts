import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHtmlReport } from '../src/report/html-report.ts';
import type { RunSummary } from '../src/run/run-summary.ts';

const summary: RunSummary = {
  runId: 'run-1',
  specName: 'nightly',
  status: 'completed',
  error: null,
  source: 'sqlite:chinook',
  target: 'postgres://app:***@db/warehouse',
  startedAt: '2026-12-02T14:23:05.120Z',
  endedAt: '2026-12-02T14:23:09.000Z',
  seconds: 3.88,
  stages: [],
  tables: [],
  totals: { rowsRead: 0, rowsWritten: 0, rowsRejected: 0, rowsPerSecond: 0 },
  warnings: [],
  validation: [],
  hooks: [],
  rules: [],
  rejectedRows: [],
  report: null,
  log: '',
  resumeWith: null,
};

describe('the HTML report', () => {
  it('writes times for people (with the exact instant for programs), in the web app’s font', () => {
    const html = renderHtmlReport(summary);
    assert.match(html, /<time datetime="2026-12-02T14:23:05\.120Z">2 Dec 2026, 14:23:05 UTC<\/time>/);
    assert.doesNotMatch(html, />2026-12-02T14:23:05\.120Z</, 'no raw ISO text on the page');
    assert.match(html, /font:14px\/1\.5 ui-sans-serif,system-ui,sans-serif/);
    assert.doesNotMatch(html, /Back to DataBridge/, 'a file on disk knows no app address');
  });

  it('links back to the run in the app when it is served from there', () => {
    const html = renderHtmlReport(summary, { appLink: '/projects/p1/execute?execution=run-1&x="' });
    assert.match(
      html,
      /<a class="back" href="\/projects\/p1\/execute\?execution=run-1&amp;x=&quot;">← Back to DataBridge<\/a>/,
    );
  });
});
