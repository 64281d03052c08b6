// The wizard's rough edges of issue 17, in Debian's Chromium against the built app (SQLite store,
// in-process executor, real PostgreSQL): a failing connection is saved only when the user says so and
// its test survives a reload; bulk set; feedback beside its control; unusual table names asked about;
// the sidebar and the header follow a run without a reload; step 6's controls never scroll away;
// nothing drags a 420 px window sideways; the projects list shows the real next run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../../../packages/queue/test/support/harness.ts';
import { ARTIFACTS, type Browser, CHROMIUM, failureShots, launchBrowser } from './browser/browser.ts';
import { chinookSourceFile, chinookTarget, type TestDatabase } from './browser/databases.ts';
import { ensureWebBuild } from './browser/web-build.ts';
import { startWebServer, type WebServer } from './browser/web-server.ts';
import {
  addConnection,
  BROWSER_WAIT_MS,
  barButton,
  createProject,
  signIn,
  waitForStatus,
} from './browser/wizard.ts';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

describe('the wizard without rough edges, in Chromium', {
  skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`,
}, () => {
  const databases: TestDatabase[] = [];
  let dataDir: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  let projectId: string;

  const shot = (name: string) => browser.screenshot(page, `ui-${name}`);

  before(async () => {
    await ensureWebBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'databridge-browser-ui-'));
    server = await startWebServer(dataDir);
    base = server.url;
    browser = await launchBrowser();
    page = await browser.newPage();
    await signIn(page, base);
    const source = chinookSourceFile();
    const target = await chinookTarget();
    databases.push(source, target);
    await addConnection(page, base, { name: 'chinook', kind: 'sqlite', file: source.name });
    await addConnection(page, base, { name: 'warehouse', kind: 'postgres', ...PG, database: target.name });
    projectId = await createProject(page, base, {
      name: 'Chinook music',
      source: 'chinook',
      target: 'warehouse',
    });
    await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.allSettled(databases.map((d) => d.drop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const named = failureShots(shot);

  test(
    'a connection that fails its test is saved only after asking, and its test result survives a reload',
    { timeout: 60_000 },
    named('failing-connection', async () => {
      await page.goto(`${base}/connections`);
      const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a connection' }) });
      await page.getByRole('button', { name: 'Add connection' }).first().click();
      await form.getByLabel('Name', { exact: true }).fill('nowhere');
      await form.getByLabel('Host', { exact: true }).fill('127.0.0.1');
      await form.getByLabel('Port', { exact: true }).fill('1');
      await form.getByLabel('User', { exact: true }).fill('postgres');
      await form.getByLabel('Database name').fill('none');
      await form.getByRole('button', { name: 'Add connection' }).click();
      const question = form.getByRole('alert').filter({ hasText: 'The test of this connection failed' });
      await question.waitFor();
      assert.match((await question.textContent()) ?? '', /127\.0\.0\.1:1/);
      assert.equal(await page.getByText('Added connection “nowhere”').count(), 0, 'nothing saved yet');
      assert.equal(await page.getByRole('listitem').filter({ hasText: 'nowhere' }).count(), 0);
      await shot('01-failing-connection-asks');
      await form.getByRole('button', { name: 'Save anyway' }).click();
      await page.getByText('Added connection “nowhere”, but it does not work yet').waitFor();
      const row = page.getByRole('listitem').filter({ hasText: 'nowhere' });
      await row.getByText(/^✗ /).waitFor({ timeout: 15_000 });
      await page.reload();
      await row.getByText(/^✗ .*127\.0\.0\.1:1/).waitFor();
      await row.getByText(/tested \d{4}-\d{2}-\d{2} \d{2}:\d{2}/).waitFor();
      await page
        .getByRole('listitem')
        .filter({ hasText: 'warehouse' })
        .getByText(/^✓ Connected in \d+ ms/)
        .waitFor();
      await shot('02-connection-tests-after-reload');
    }),
  );

  test(
    'step 1: set the load mode for all and for the selected mappings',
    { timeout: 60_000 },
    named('bulk-set', async () => {
      await page.goto(`${base}/projects/${projectId}/tables`);
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      const bulk = page.getByRole('group', { name: 'Set for several mappings' });
      await bulk.getByLabel('Setting').selectOption('mode');
      await bulk.getByLabel('Value').selectOption('replace');
      await bulk.getByRole('button', { name: 'Set for all 11' }).click();
      await bulk.getByText('Load mode: replace (empty the target first), on 11 mappings.').waitFor();
      assert.deepEqual(await modes(page), Array(11).fill('replace'));
      await page.getByRole('checkbox', { name: /^Select Genre → / }).check();
      await page.getByRole('checkbox', { name: /^Select MediaType → / }).check();
      await bulk.getByLabel('Value').selectOption('append');
      await bulk.getByRole('button', { name: 'Set for 2 selected' }).click();
      const after = await modes(page);
      assert.equal(after.filter((m) => m === 'append').length, 2, after.join());
      assert.equal(after.filter((m) => m === 'replace').length, 9, after.join());
      assert.equal(await page.getByLabel(/^Load mode of Genre → /).inputValue(), 'append');
      await shot('03-bulk-set');
      // Back to append: the run below loads into the empty Chinook schema.
      await page.getByRole('checkbox', { name: /^Select Genre → / }).uncheck();
      await page.getByRole('checkbox', { name: /^Select MediaType → / }).uncheck();
      await bulk.getByRole('button', { name: 'Set for all 11' }).click();
      assert.deepEqual(await modes(page), Array(11).fill('append'));
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
    }),
  );

  test(
    'step 1: “already mapped” shows beside the table list that caused it; an odd new name is asked about',
    { timeout: 60_000 },
    named('feedback', async () => {
      await page.goto(`${base}/projects/${projectId}/tables`);
      const list = (title: string) =>
        page.locator('section', { has: page.getByRole('heading', { name: new RegExp(`^${title}`) }) });
      await list('Source tables').getByRole('button').filter({ hasText: 'main.Artist' }).click();
      const target = list('Target tables').getByRole('button').filter({ hasText: 'public.artist' });
      await target.scrollIntoViewIfNeeded();
      await target.click();
      const feedback = page
        .locator('[data-feedback]')
        .filter({ hasText: 'Artist → artist is already mapped.' });
      await feedback.waitFor();
      await assertOnScreen(page, feedback);
      const [a, b] = [await target.boundingBox(), await feedback.boundingBox()];
      assert.ok(a && b);
      assert.ok(Math.abs(b.y - a.y) < 500, `the feedback (y=${b.y}) is near the list clicked (y=${a.y})`);
      await shot('04-feedback-beside-the-list');

      const newName = page.getByLabel('Or load into a new target table');
      await newName.fill('bad name!');
      await page
        .getByText('“bad name!” is unusual: it has a space, “!”, so every query must quote it')
        .waitFor();
      await page.getByRole('button', { name: 'Use this name anyway' }).waitFor();
      await page.getByRole('button', { name: 'Use bad_name instead' }).click();
      await page.getByRole('heading', { name: 'Table mappings (12)' }).waitFor();
      await page.locator('td', { hasText: /^bad_name$/ }).waitFor();
      await newName.fill('x'.repeat(64));
      await page
        .getByText(/cannot be created: the table name is 64 bytes long; PostgreSQL allows at most 63/)
        .waitFor();
      assert.ok(await page.getByRole('button', { name: 'Map to new table' }).isDisabled());
      await shot('05-new-table-name');
      await page.getByRole('button', { name: 'Remove Artist → bad_name' }).click();
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
    }),
  );

  test(
    'the projects list shows the next run in the project’s time zone',
    { timeout: 60_000 },
    named('next-run', async () => {
      // Reached with Next from step 3, the schedule opens at its top.
      await page.goto(`${base}/projects/${projectId}/pipeline`);
      await barButton(page, 'Next →').click();
      await page.waitForURL(/\/schedule$/);
      await page.getByRole('heading', { name: '4. Schedule' }).waitFor();
      await page.waitForTimeout(300);
      assert.equal(
        await page.locator('main').evaluate((main) => main.scrollTop),
        0,
        'the schedule opens at its top',
      );
      // And from the sidebar, after scrolling step 1 down.
      await page.goto(`${base}/projects/${projectId}/tables`);
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      await page.locator('main').evaluate((main) => {
        main.scrollTop = main.scrollHeight;
      });
      await page
        .getByRole('navigation', { name: 'Wizard steps' })
        .getByRole('link', { name: /^Schedule/ })
        .click();
      await page.waitForURL(/\/schedule$/);
      await page.getByRole('heading', { name: '4. Schedule' }).waitFor();
      await page.waitForTimeout(300);
      assert.equal(
        await page.locator('main').evaluate((main) => main.scrollTop),
        0,
        'opened from the sidebar',
      );
      await page.getByRole('radio', { name: 'Custom cron' }).check();
      await page.getByLabel(/^Cron expression/).fill('30 2 * * 1-5');
      await page.getByLabel('Search time zones').fill('Berlin');
      await page.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
      await page.goto(`${base}/projects`);
      const cell = page.getByRole('row').filter({ hasText: 'Chinook music' }).locator('[data-next-run]');
      assert.equal(await cell.getAttribute('data-next-run'), 'scheduled');
      assert.match(
        ((await cell.textContent()) ?? '').replace(/\s+/g, ' '),
        /^(Mon|Tue|Wed|Thu|Fri) \d{1,2} \w{3}( \d{4})?, 02:30 Europe\/Berlin$/,
      );
      await shot('06-projects-next-run');
    }),
  );

  test(
    'the sidebar and the header follow the run live; step 5’s mark survives a reload',
    { timeout: 120_000 },
    named('live-sidebar', async () => {
      await page.goto(`${base}/projects/${projectId}/preview`);
      // The preview runs against the saved spec; a clean one marks step 5.
      await eventually(
        async () => (await stepState(page, 'preview')) !== 'to do',
        'the preview to mark step 5',
        60_000,
      );
      const previewState = await stepState(page, 'preview');
      // A fresh load of another step (step 5 itself would preview again on arrival).
      await page.goto(`${base}/projects/${projectId}/tables`);
      await eventually(
        async () => (await stepState(page, 'preview')) === previewState,
        `step 5 to stay “${previewState}” on a later visit`,
        BROWSER_WAIT_MS,
      );
      const header = await circle(page);
      // The same count on every step's page, whichever is opened first.
      for (const step of ['tables', 'pipeline', 'schedule']) {
        await page.goto(`${base}/projects/${projectId}/${step}`);
        await eventually(
          async () => (await circle(page)) === header,
          `${header} on ${step}`,
          BROWSER_WAIT_MS,
        );
      }

      await page.goto(`${base}/projects/${projectId}/execute`);
      assert.equal(await stepState(page, 'execute'), 'to do');
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'completed', 90_000);
      // No reload: the sidebar's step 6 and the header's count follow the run that just ended.
      await eventually(
        async () => (await stepState(page, 'execute')) === 'complete',
        'step 6 to be complete without a reload',
        BROWSER_WAIT_MS,
      );
      const count = (text: string) => Number(/^(\d+) of/.exec(text)?.[1]);
      assert.equal(count(await circle(page)), count(header) + 1, `${header} → ${await circle(page)}`);
      await shot('07-live-sidebar');
      // A client-side visit of another step keeps it.
      await page.getByRole('link', { name: /^Select tables/ }).click();
      await page.waitForURL(/\/tables$/);
      assert.equal(await stepState(page, 'execute'), 'complete');
    }),
  );

  test(
    'step 6: Pause, Resume, Retry and Cancel stay on screen when the page scrolls',
    { timeout: 60_000 },
    named('pinned-controls', async () => {
      await page.goto(`${base}/projects/${projectId}/execute`);
      await waitForStatus(page, 'completed');
      await page.locator('main').evaluate((main) => {
        main.scrollTop = main.scrollHeight;
      });
      assert.ok(await page.locator('main').evaluate((main) => main.scrollTop > 0), 'the content scrolled');
      for (const name of ['Pause', 'Resume', 'Retry', 'Cancel run']) {
        await assertOnScreen(page, page.getByRole('button', { name, exact: true }));
      }
      await shot('08-pinned-controls-scrolled');

      // The report served by the app: the app's font, times for people, a way back.
      const [report] = await Promise.all([
        page.context().waitForEvent('page'),
        page.getByRole('link', { name: /Open the report/ }).click(),
      ]);
      await report.waitForLoadState();
      const back = report.getByRole('link', { name: '← Back to DataBridge' });
      assert.match(
        (await back.getAttribute('href')) ?? '',
        new RegExp(`^/projects/${projectId}/execute\\?execution=`),
      );
      assert.match(
        (await report.locator('section time').first().textContent()) ?? '',
        /^\d{1,2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} UTC$/,
      );
      await report.screenshot({ path: join(ARTIFACTS, 'ui-08b-report.png') });
      await report.close();
    }),
  );

  test(
    'at 420 px nothing drags the page sideways and the project name has room',
    { timeout: 90_000 },
    named('narrow', async () => {
      const problems: string[] = [];
      try {
        await page.setViewportSize({ width: 420, height: 800 });
        for (const path of [
          '/projects',
          '/connections',
          ...['tables', 'columns', 'pipeline', 'schedule', 'preview', 'execute'].map(
            (step) => `/projects/${projectId}/${step}`,
          ),
        ]) {
          await page.goto(`${base}${path}`);
          await page.getByRole('heading', { level: 1 }).waitFor();
          await page.waitForLoadState('networkidle');
          const width = await page.evaluate(() =>
            Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
          );
          if (width > 420) problems.push(`${path}: the page is ${width} px wide`);
          // A sideways drag moves nothing.
          await page.mouse.wheel(600, 0);
          const scrolled = await page.evaluate(() => window.scrollX);
          if (scrolled !== 0) problems.push(`${path}: dragged ${scrolled} px sideways`);
        }
        const name = page.locator('header p[title="Chinook music"]');
        const fits = await name.evaluate((el) => el.scrollWidth <= el.clientWidth);
        if (!fits) problems.push('the project name is cut off in the header');
        await shot('09-narrow-execute');
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
      }
      assert.deepEqual(problems, []);
    }),
  );
});

/** Every mapping's load mode, in table order. */
function modes(page: Page): Promise<string[]> {
  return page
    .getByLabel(/^Load mode of /)
    .evaluateAll((selects) => selects.map((s) => (s as HTMLSelectElement).value));
}

/** The state the sidebar gives a step (its screen-reader text): complete, needs attention, to do. */
async function stepState(page: Page, slug: string): Promise<string> {
  const text = await page
    .getByRole('navigation', { name: 'Wizard steps' })
    .locator(`a[href$="/${slug}"]`)
    .textContent();
  return /, (complete|needs attention|to do)/.exec(text ?? '')?.[1] ?? `? ${text}`;
}

/** The header's progress circle, as screen readers hear it: "3 of 6 steps complete". */
async function circle(page: Page): Promise<string> {
  return (await page.locator('header [role="img"]').getAttribute('aria-label')) ?? '';
}

/** The element is inside the window, not scrolled away. */
async function assertOnScreen(page: Page, element: Locator) {
  const box = await element.boundingBox();
  const size = page.viewportSize();
  assert.ok(box && size, 'the element is displayed');
  assert.ok(
    box.y >= 0 && box.y + box.height <= size.height && box.x >= 0 && box.x + box.width <= size.width,
    `on screen: ${JSON.stringify(box)} in ${size.width}x${size.height}`,
  );
}
