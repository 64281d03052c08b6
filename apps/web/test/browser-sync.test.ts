// Incremental loads in the wizard and the monitor (issue 22), in Debian's Chromium against the built
// app: step 1 picks a mapping's sync and cursor, step 6 shows the cursor before and after the run, and
// an editor's reset-state control forgets it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM, launchBrowser } from './browser/browser.ts';
import { chinookSourceFile, chinookTarget, type TestDatabase } from './browser/databases.ts';
import { ensureWebBuild } from './browser/web-build.ts';
import { startWebServer, type WebServer } from './browser/web-server.ts';
import { addConnection, barButton, createProject, signIn, waitForStatus } from './browser/wizard.ts';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

describe('incremental loads in the wizard and the monitor, in Chromium', {
  skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`,
}, () => {
  const databases: TestDatabase[] = [];
  let dataDir: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let base: string;
  let projectId: string;

  before(async () => {
    await ensureWebBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'databridge-browser-sync-'));
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
      name: 'Chinook sync',
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
