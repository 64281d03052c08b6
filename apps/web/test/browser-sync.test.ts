// Incremental loads in the wizard and the monitor (issue 22), in Debian's Chromium against the built
// app: step 1 picks a mapping's sync and cursor, step 6 shows the cursor before and after the run, and
// an editor's reset-state control forgets it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM } from './browser/browser.ts';
import { type ChinookProject, openChinookProject } from './browser/chinook-project.ts';
import { barButton, waitForStatus } from './browser/wizard.ts';

describe('incremental loads in the wizard and the monitor, in Chromium', {
  skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`,
}, () => {
  let project: ChinookProject;
  let browser: Browser;
  let page: Page;
  let base: string;
  let projectId: string;

  before(async () => {
    project = await openChinookProject('databridge-browser-sync-', 'Chinook sync');
    ({ browser, page, base, projectId } = project);
  });

  after(async () => {
    await project?.close();
  });

  test('step 1 sets an incremental sync with its cursor; step 6 shows the cursor moved; reset state forgets it', {
    timeout: 180_000,
  }, async () => {
    try {
      await page.goto(`${base}/projects/${projectId}/tables`);
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      await page.getByLabel(/^Sync of Genre → /).selectOption('incremental_upsert');
      const cursor = page.getByLabel(/^Cursor column of Genre → /);
      await cursor.waitFor();
      // The columns come with the source schema, which the page may still be fetching.
      await cursor.locator('option:not([disabled])').first().waitFor({ state: 'attached' });
      const offered = await cursor.locator('option:not([disabled])').allTextContents();
      assert.deepEqual(
        offered.map((o) => o.split(' ')[0]),
        ['GenreId'],
        'only the mapped columns that order changes',
      );
      await cursor.selectOption('GenreId');
      await browser.screenshot(page, 'sync-01-step1-cursor');
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();

      await page.goto(`${base}/projects/${projectId}/execute`);
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'completed', 120_000);
      const section = page.locator('section', {
        has: page.getByRole('heading', { name: 'Incremental loads' }),
      });
      const row = section.getByRole('row').filter({ hasText: 'genre' });
      await row.waitFor({ timeout: 15_000 });
      const cells = await row.getByRole('cell').allTextContents();
      assert.deepEqual(cells.slice(1, 5), ['none (full load)', '25', '25', '25'], cells.join(' | '));
      await browser.screenshot(page, 'sync-02-monitor-cursor');
      await section.getByRole('button', { name: /^Reset state/ }).click();
      await section.getByText('Forgot 1 cursor: the next run is a full load.').waitFor();
    } catch (error) {
      await browser.screenshot(page, 'sync-failure').catch(() => undefined);
      throw error;
    }
  });
});
