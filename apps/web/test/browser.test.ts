// The web wizard and its live monitor in a real browser: Debian's Chromium driven by playwright-core,
// against the built app (`next build`, then `databridge serve` or `next start`) with the real SQLite
// store and in-process executor, migrating into real PostgreSQL databases. Screenshots of every step
// land in test-artifacts/browser/ (ignored by git).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../../../packages/queue/test/support/harness.ts';
import { ARTIFACTS, type Browser, CHROMIUM, launchBrowser } from './browser/browser.ts';
import {
  bigPostgresSource,
  CHINOOK_COUNTS,
  chinookSourceFile,
  chinookTarget,
  countRows,
  freshPostgres,
  type TestDatabase,
} from './browser/databases.ts';
import { checkLayout, tabTo } from './browser/layout.ts';
import { ensureWebBuild } from './browser/web-build.ts';
import { startWebServer, type WebServer } from './browser/web-server.ts';
import {
  addConnection,
  BROWSER_WAIT_MS,
  barButton,
  createProject,
  metric,
  next,
  progressBar,
  selectOptionStartingWith,
  signIn,
  stageStatuses,
  waitForStatus,
} from './browser/wizard.ts';

const CHINOOK_ROWS = Object.values(CHINOOK_COUNTS).reduce((a, b) => a + b, 0);
const BIG_ROWS = 300_000;
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

describe('the web wizard and live monitor in Chromium', {
  skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`,
}, () => {
  const databases: TestDatabase[] = [];
  const timings: Record<string, number> = {};
  let dataDir: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  let chinookProjectId: string;

  const shot = (name: string) => browser.screenshot(page, name);

  before(async () => {
    const started = Date.now();
    const built = await ensureWebBuild();
    timings.build = Date.now() - started;
    dataDir = mkdtempSync(join(tmpdir(), 'databridge-browser-data-'));
    server = await startWebServer(dataDir);
    base = server.url;
    browser = await launchBrowser();
    page = await browser.newPage();
    // The first visit creates the admin (the one-time setup page); the session cookie stays.
    await signIn(page, base);
    timings.setup = Date.now() - started;
    if (built) process.stdout.write(`# built the web app in ${Math.round(timings.build / 1000)} s\n`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.allSettled(databases.map((d) => d.drop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    writeFileSync(
      join(ARTIFACTS, 'results.json'),
      `${JSON.stringify({ server: server?.how, timingsMs: timings, pageErrors: browser?.pageErrors ?? [] }, null, 2)}\n`,
    );
  });

  const timed = (name: string, body: () => Promise<void>) => async () => {
    const started = Date.now();
    try {
      await body();
    } catch (error) {
      await shot(`failure-${name}`).catch(() => undefined);
      throw error;
    } finally {
      timings[name] = Date.now() - started;
    }
  };

  test(
    'a user connects two databases, maps, transforms, schedules, runs and opens the report',
    { timeout: 120_000 },
    timed('chinook-wizard', async () => {
      const source = chinookSourceFile();
      const target = await chinookTarget();
      databases.push(source, target);

      // Two connections: Chinook in SQLite, an empty Chinook schema in PostgreSQL.
      await page.goto(`${base}/connections`);
      await addConnection(page, base, { name: 'chinook', kind: 'sqlite', file: source.name });
      await addConnection(page, base, { name: 'warehouse', kind: 'postgres', ...PG, database: target.name });
      await shot('00-connections');

      chinookProjectId = await createProject(page, base, {
        name: 'Chinook to the warehouse',
        source: 'chinook',
        target: 'warehouse',
      });

      // 1. Select tables: the auto-mapping with its scores, accepted one by one and all at once.
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      const suggestions = page.getByRole('region', { name: 'Auto-mapping suggestions' });
      const genreSuggestion = suggestions.getByRole('row').filter({ hasText: 'main.Genre' });
      await genreSuggestion.getByText('✓ mapped').waitFor();
      assert.match((await genreSuggestion.textContent()) ?? '', /\d+%/, 'the suggestion shows its score');
      await page.getByRole('button', { name: 'Remove Genre → genre' }).click();
      await page.getByRole('heading', { name: 'Table mappings (10)' }).waitFor();
      await suggestions.getByRole('button', { name: 'Accept Genre → genre' }).click();
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      await suggestions.getByRole('button', { name: 'Accept all confident' }).click();
      await page.getByText('Every confident suggestion is already mapped.').waitFor();
      await shot('01-select-tables');
      await next(page, 'columns');

      // 2. Map columns: Genre.Name goes to the target in upper case.
      await selectOptionStartingWith(page.getByLabel('Table mapping'), 'Genre → genre');
      await page.getByRole('button', { name: 'Transform name', exact: true }).click();
      await page.getByLabel('Add an operation').selectOption('upper');
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const nameRow = page
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: 'name', exact: true }) });
      await nameRow.getByRole('cell', { name: 'upper', exact: true }).waitFor();
      await shot('02-map-columns');
      await page.getByRole('button', { name: 'Done' }).click();
      await next(page, 'pipeline');

      // 3. Configure pipeline: as drafted, with the extracted rows archived.
      await page.getByRole('heading', { name: /^3\. / }).waitFor();
      await page.getByLabel('Archive extracted rows').selectOption('csv_gz');
      await shot('03-pipeline');
      await next(page, 'schedule');

      // 4. Schedule: a custom cron and its plain-language description.
      await page.getByRole('radio', { name: 'Custom cron' }).check();
      const cron = page.getByLabel(/^Cron expression/);
      await cron.fill('30 2 * * 1-5');
      await page.getByRole('status').filter({ hasText: 'At 02:30, Monday through Friday' }).waitFor();
      await shot('04-schedule');
      await next(page, 'preview');

      // 5. Preview: the transformation shows in the sample rows.
      // The sample rows of the mapping (the run's task list beside them names the table too).
      const genre = page
        .locator('details', { hasText: /Genre → (public\.)?genre\b/ })
        .filter({ hasText: 'As read from the source' });
      await genre.waitFor({ timeout: 30_000 });
      await genre.locator('summary').click();
      await genre.getByRole('cell', { name: 'ROCK', exact: true }).waitFor();
      await genre.getByRole('cell', { name: 'Rock', exact: true }).waitFor();
      await genre.scrollIntoViewIfNeeded();
      await shot('05-preview');

      // 6. Start, watch the progress bar reach 100% and every stage complete, open the report.
      await barButton(page, 'Start migration').click();
      await page.waitForURL(/\/execute(\?.*)?$/);
      await waitForStatus(page, 'completed', 90_000);
      assert.equal(await progressBar(page).getAttribute('aria-valuenow'), '100');
      await eventually(
        async () => (await stageStatuses(page)).join() === Array(6).fill('completed').join(),
        'every stage to be completed',
        BROWSER_WAIT_MS,
      );
      assert.equal(
        await metric(page, 'rows'),
        `${CHINOOK_ROWS.toLocaleString('en-US')} of ${CHINOOK_ROWS.toLocaleString('en-US')}`,
      );
      assert.equal(await metric(page, 'failed'), '0');
      assert.equal(await metric(page, 'success-rate'), '100%');
      await page.getByRole('button', { name: /tasks? of Load dimensions/ }).click();
      await page.locator('[data-task]').filter({ hasText: 'Genre → genre' }).waitFor();
      const history = page.getByRole('region', { name: 'Execution history' });
      await history.getByRole('row').filter({ hasText: 'completed' }).waitFor();
      await shot('06-execute-completed');

      // The log: entries at info level, none at error level, and the stack traces of none.
      const log = page.getByRole('region', { name: 'Log entries' });
      await log.locator('li').first().waitFor();
      await page.getByLabel('Log level').selectOption('error');
      await log.getByText('No entries at this level.').waitFor();
      await page.getByLabel('Log level').selectOption('debug');
      await log.locator('li').first().waitFor();
      // Every artefact of the run, a download with its size.
      const artefacts = page.getByRole('region', { name: /^Artefacts/ });
      await artefacts.getByRole('link', { name: 'report.json' }).waitFor();
      for (const name of ['report.html', 'run.log']) await artefacts.getByRole('link', { name }).waitFor();
      assert.match((await artefacts.textContent()) ?? '', /report\.json\s*[\d.]+ KiB/);
      // The extract archive chosen in step 3: a part per table and the manifest, with their sizes.
      await artefacts.getByRole('link', { name: 'extracts/manifest.json' }).waitFor();
      assert.match(
        (await artefacts.textContent()) ?? '',
        /extracts\/m\d+-Genre\/m\d+-part0001\.csv\.gz\s*[\d.]+ (KiB|B|bytes)/i,
      );
      await page.getByRole('heading', { name: 'Throughput' }).scrollIntoViewIfNeeded();
      await shot('06b-execute-chart-and-log');
      await page.getByRole('heading', { name: 'Execution history' }).scrollIntoViewIfNeeded();
      await shot('06c-execute-history');

      const [report] = await Promise.all([
        page.context().waitForEvent('page'),
        page.getByRole('link', { name: /Open the report/ }).click(),
      ]);
      await report.waitForLoadState();
      assert.match((await report.locator('body').textContent()) ?? '', /completed/i);
      await report.screenshot({ path: join(ARTIFACTS, '07-report.png') });
      await report.close();

      // What arrived: every row, with the transformation applied.
      assert.equal(await countRows(target, 'SELECT count(*) FROM genre'), CHINOOK_COUNTS.Genre);
      assert.equal(await countRows(target, 'SELECT count(*) FROM genre WHERE name <> upper(name)'), 0);
      assert.equal(await countRows(target, 'SELECT count(*) FROM track'), CHINOOK_COUNTS.Track);
    }),
  );

  test(
    'a bad cron expression and a bad SQL expression are errors next to their fields',
    { timeout: 60_000 },
    timed('field-errors', async () => {
      await page.goto(`${base}/projects/${chinookProjectId}/schedule`);
      await page.getByRole('radio', { name: 'Custom cron' }).check();
      const cron = page.getByLabel(/^Cron expression/);
      await cron.fill('61 2 * * *');
      const cronError = await errorOf(page, cron);
      await cronError.waitFor();
      assert.match((await cronError.textContent()) ?? '', /minute field "61"/);
      assert.equal(await cron.getAttribute('aria-invalid'), 'true');
      assert.equal(await cron.getAttribute('aria-describedby'), await cronError.getAttribute('id'));
      await assertBeside(cron, cronError);
      await assertStartBlocked(page);
      await shot('08-bad-cron');
      await cron.fill('*/30 * * * *');
      await page.getByRole('status').filter({ hasText: 'Every 30 minutes' }).waitFor();
      assert.equal(await cronError.count(), 0);

      await barButton(page, '← Back').click(); // saves first, like Next
      await page.waitForURL(/\/pipeline$/);
      await page.goto(`${base}/projects/${chinookProjectId}/columns`);
      await selectOptionStartingWith(page.getByLabel('Table mapping'), 'Artist → artist');
      await page.getByRole('button', { name: 'Transform name', exact: true }).click();
      await page.getByRole('radio', { name: 'A SQL expression' }).check();
      const expression = page.getByLabel('SQL expression (source dialect)');
      await expression.fill("upper(Name || ' ('");
      const expressionError = await errorOf(page, expression);
      await expressionError.waitFor();
      assert.match((await expressionError.textContent()) ?? '', /never closed/);
      assert.equal(await expression.getAttribute('aria-invalid'), 'true');
      await assertBeside(expression, expressionError);
      await assertStartBlocked(page);
      await shot('09-bad-sql-expression');
      await expression.fill("Name || ' (artist)'");
      await expressionError.waitFor({ state: 'detached' });
      await page.getByRole('radio', { name: 'A source column' }).check();
      await page.getByRole('button', { name: 'Done' }).click();
    }),
  );

  test(
    'the layout keeps the header and the action bar fixed and scrolls only the content, wide and narrow',
    { timeout: 60_000 },
    timed('layout', async () => {
      const problems: string[] = [];
      try {
        for (const size of [
          { width: 1280, height: 800 },
          { width: 420, height: 800 },
        ]) {
          await page.setViewportSize(size);
          for (const step of ['tables', 'columns', 'execute']) {
            await page.goto(`${base}/projects/${chinookProjectId}/${step}`);
            await page.getByRole('heading', { level: 1 }).waitFor();
            await page.waitForLoadState('networkidle');
            const where = `${step} at ${size.width}x${size.height}`;
            problems.push(...(await checkLayout(page)).map((p) => `${where}: ${p}`));
            await shot(`10-layout-${step}-${size.width}x${size.height}`);
          }
          // The action bar is reached by keyboard, and the focus shows.
          const focus = await tabTo(page, 'Start migration');
          if (focus !== 'solid 3px') problems.push(`keyboard focus at ${size.width}px: ${focus}`);
        }
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      assert.deepEqual(problems, []);
    }),
  );

  test(
    'a failed run shows its error, its stack trace and Retry; the history switches between runs',
    { timeout: 90_000 },
    timed('failed-run', async () => {
      // The rows of the first run are in the target already: appending them again breaks its keys.
      await page.goto(`${base}/projects/${chinookProjectId}/execute`);
      await waitForStatus(page, 'completed');
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'failed', 60_000);
      const live = page.getByRole('region', { name: /^(Running now|Execution)/ });
      await live.getByRole('alert').waitFor();
      assert.ok(await page.getByRole('button', { name: 'Retry' }).isEnabled());
      for (const name of ['Pause', 'Resume', 'Cancel run']) {
        assert.ok(await page.getByRole('button', { name, exact: true }).isDisabled(), `${name} is off`);
      }
      await page.locator('[data-stage][data-status="failed"]').first().waitFor();

      // The log's errors, each stack trace behind its toggle.
      await page.getByLabel('Log level').selectOption('error');
      const log = page.getByRole('region', { name: 'Log entries' });
      await log.locator('li[data-level="error"]').first().waitFor();
      const trace = log.locator('details').first();
      await trace.locator('summary', { hasText: 'Stack trace' }).click();
      await trace.locator('pre').waitFor();
      assert.match((await trace.locator('pre').textContent()) ?? '', /\n\s+at /);
      await trace.scrollIntoViewIfNeeded();
      await shot('13-execute-failed-stack-trace');

      // The history holds both runs, newest first; choosing the first shows it again.
      const history = page.getByRole('region', { name: 'Execution history' });
      const rows = history.locator('tbody tr');
      await eventually(
        async () => (await rows.count()) === 2,
        'the history to show both runs',
        BROWSER_WAIT_MS,
      );
      assert.match((await rows.nth(0).textContent()) ?? '', /failed/);
      await rows
        .nth(1)
        .getByRole('button', { name: /^Monitor/ })
        .click();
      await waitForStatus(page, 'completed');
      assert.match(page.url(), /[?&]execution=/);
      assert.equal(
        await metric(page, 'rows'),
        `${CHINOOK_ROWS.toLocaleString('en-US')} of ${CHINOOK_ROWS.toLocaleString('en-US')}`,
      );
    }),
  );

  test(
    'a pause lands mid-load, and the resumed run completes with exact counts',
    { timeout: 120_000 },
    timed('pause-resume', async () => {
      const source = await bigPostgresSource(BIG_ROWS);
      databases.push(source);
      const target = await freshPostgres();
      databases.push(target);
      await addConnection(page, base, { name: 'sensors', kind: 'postgres', ...PG, database: source.name });
      await addConnection(page, base, {
        name: 'sensors-copy',
        kind: 'postgres',
        ...PG,
        database: target.name,
      });
      const projectId = await createProject(page, base, {
        name: 'Sensor readings',
        source: 'sensors',
        target: 'sensors-copy',
      });
      await page.getByRole('heading', { name: 'Table mappings (1)' }).waitFor();
      // Small batches, one at a time: the load takes long enough for a person to pause it.
      await page.goto(`${base}/projects/${projectId}/pipeline`);
      await page.getByLabel(/^Batch size/).fill('1000');
      await page.getByLabel(/^Parallelism/).fill('1');
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
      await page.goto(`${base}/projects/${projectId}/execute`);
      await page.getByText('Nothing has run yet.').waitFor();

      // Every value the progress bar takes, recorded in the page: it must only grow, and the page
      // must never reload (the record would be gone).
      await page.evaluate(RECORD_PROGRESS);
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'running');
      await page.waitForFunction(() => {
        const bar = document.querySelector('[role="progressbar"]');
        return Number(bar?.getAttribute('aria-valuenow') ?? 0) >= 5;
      });
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await waitForStatus(page, 'paused');
      assert.ok(await page.getByRole('button', { name: 'Resume' }).isEnabled());
      assert.ok(await page.getByRole('button', { name: 'Pause', exact: true }).isDisabled());
      assert.ok(await page.getByRole('button', { name: 'Retry' }).isDisabled());
      // Tasks stop at their next batch boundary: once they did, the counters hold still.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const pausedAt = await metric(page, 'rows');
      await new Promise((resolve) => setTimeout(resolve, 1500));
      assert.equal(await metric(page, 'rows'), pausedAt, 'nothing loads while paused');
      const percent = Number(await progressBar(page).getAttribute('aria-valuenow'));
      assert.ok(percent > 0 && percent < 100, `paused mid-load at ${percent}%`);
      await shot('11-execute-paused');

      await page.getByRole('button', { name: 'Resume' }).click();
      await waitForStatus(page, 'completed', 90_000);
      assert.equal(await progressBar(page).getAttribute('aria-valuenow'), '100');
      assert.match(await metric(page, 'rows'), /^300,000 of ~?[\d,]+/);
      assert.equal(await metric(page, 'failed'), '0');
      const seen = (await page.evaluate('window.__progress')) as number[] | undefined;
      assert.ok(seen, 'the page was never reloaded');
      assert.ok(seen.length >= 4, `the bar moved step by step: ${seen.join(' ')}`);
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
        `the bar only grows: ${seen.join(' ')}`,
      );
      assert.equal(seen.at(-1), 100);
      await page.getByRole('img', { name: 'Throughput over time' }).waitFor();
      await page
        .getByRole('region', { name: 'Log entries' })
        .getByText(/^stage load_\w+ completed$/)
        .first()
        .waitFor();
      await shot('12-execute-resumed-completed');

      assert.equal(await countRows(target, 'SELECT count(*) FROM reading'), BIG_ROWS);
      assert.equal(await countRows(target, 'SELECT count(DISTINCT id) FROM reading'), BIG_ROWS);
      assert.equal(
        await countRows(target, `SELECT count(*) FROM reading WHERE id BETWEEN 1 AND ${BIG_ROWS}`),
        BIG_ROWS,
      );
    }),
  );
});

/** Runs in the page: records each value of the progress bar's `aria-valuenow` in `window.__progress`. */
const RECORD_PROGRESS = `(() => {
  window.__progress = [];
  const record = () => {
    const bar = document.querySelector('[role="progressbar"]');
    if (!bar) return;
    const value = Number(bar.getAttribute('aria-valuenow'));
    if (window.__progress[window.__progress.length - 1] !== value) window.__progress.push(value);
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'],
  });
})()`;

/** The error message of a form field (the `<id>-error` element its Field renders under it). */
async function errorOf(page: Page, field: Locator): Promise<Locator> {
  const id = await field.getAttribute('id');
  assert.ok(id);
  return page.locator(`[id="${id}-error"]`);
}

/** The error sits right under its field, not somewhere else on the page. */
async function assertBeside(field: Locator, error: Locator) {
  const [a, b] = [await field.boundingBox(), await error.boundingBox()];
  assert.ok(a && b);
  assert.ok(b.y >= a.y + a.height - 1 && b.y - (a.y + a.height) < 40, 'the error is right below its field');
  assert.ok(Math.abs(b.x - a.x) < 40, 'the error is aligned with its field');
}

/** Start stays off while a field is invalid. */
async function assertStartBlocked(page: Page) {
  const start = barButton(page, 'Start migration');
  for (let i = 0; i < 50 && (await start.isEnabled()); i += 1) await page.waitForTimeout(100);
  assert.ok(await start.isDisabled(), 'Start migration is off while a field is invalid');
}
