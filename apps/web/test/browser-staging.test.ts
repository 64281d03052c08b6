// The staging pieces of issue 19 in Debian's Chromium against the built app (SQLite store,
// in-process executor, real PostgreSQL): wizard step 3 offers `pipeline.staging` only when the server
// has STAGING_DATABASE_URL and saves the choice in the spec; a staged run's schema shows on the admin
// page with its execution, size and age, and its Drop removes it from the staging database; a viewer
// gets neither the page nor the drop.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { formatBytes } from '@databridge/engine';
import type { Locator, Page } from 'playwright-core';
import { type Browser, CHROMIUM, failureShots, launchBrowser } from './browser/browser.ts';
import { bigPostgresSource, freshPostgres, rawExec, type TestDatabase } from './browser/databases.ts';
import { ensureWebBuild } from './browser/web-build.ts';
import { startWebServer, type WebServer } from './browser/web-server.ts';
import { ADMIN, addConnection, barButton, createProject, signIn, waitForStatus } from './browser/wizard.ts';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
const VIEWER = { name: 'Vic Viewer', email: 'vic@example.com', password: 'a-long-viewer-password' };

/** A table's header and body rows, as the texts of their cells. */
/** A table's cells as text, once the monitor has drawn it (it fetches the stages after the status). */
async function tableRows(table: Locator): Promise<string[][]> {
  await table.waitFor();
  return table
    .locator('tr')
    .evaluateAll((rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ),
    );
}

/** Signs in on the sign-in page as `who`, after signing whoever was signed in out. */
async function signInAs(browser: Browser, page: Page, base: string, who: typeof VIEWER | typeof ADMIN) {
  await browser.context.clearCookies();
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/projects$/);
}

describe('staging in the wizard and on the admin page, in Chromium', {
  skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`,
}, () => {
  const databases: TestDatabase[] = [];
  let dataDir: string;
  let server: WebServer | undefined;
  let browser: Browser;
  let page: Page;
  let base: string;
  let projectId: string;
  let stagingDb: TestDatabase;
  let executionId: string;

  const shot = (name: string) => browser.screenshot(page, `staging-${name}`);
  const named = failureShots(shot);
  /** The staging schemas the staging database holds, by name. */
  const heldSchemas = async () =>
    (
      (await rawExec(
        stagingDb,
        'postgres',
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'databridge\\_stage\\_%' ORDER BY 1",
      )) as { nspname: string }[]
    ).map((r) => r.nspname);

  /** (Re)starts the server on the same data folder, with or without a staging database. */
  const serve = async (staging: boolean) => {
    await server?.stop();
    server = await startWebServer(dataDir, staging ? { STAGING_DATABASE_URL: stagingDb.url } : {});
    base = server.url;
  };

  before(async () => {
    await ensureWebBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'databridge-browser-staging-'));
    const [source, target] = await Promise.all([bigPostgresSource(3000), freshPostgres()]);
    stagingDb = await freshPostgres();
    databases.push(source, target, stagingDb);
    await serve(false);
    browser = await launchBrowser();
    page = await browser.newPage();
    await signIn(page, base);
    await addConnection(page, base, { name: 'sensors', kind: 'postgres', ...PG, database: source.name });
    await addConnection(page, base, { name: 'sensors-copy', kind: 'postgres', ...PG, database: target.name });
    projectId = await createProject(page, base, {
      name: 'Staged sensors',
      source: 'sensors',
      target: 'sensors-copy',
    });
    await page.getByRole('heading', { name: 'Table mappings (1)' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.allSettled(databases.map((d) => d.drop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test(
    'without STAGING_DATABASE_URL, step 3 has no staging option and the admin page says staging is off',
    { timeout: 60_000 },
    named('off', async () => {
      await page.goto(`${base}/projects/${projectId}/pipeline`);
      await page.getByLabel(/^Batch size/).waitFor();
      assert.equal(await page.getByLabel('Extract through staging').count(), 0);
      assert.equal(await page.getByRole('heading', { name: 'Staging', exact: true }).count(), 0);
      await page.goto(`${base}/admin`);
      const panel = page.getByRole('region', { name: 'Staging database' });
      await panel.locator('[data-staging="off"]').waitFor();
      assert.match((await panel.textContent()) ?? '', /Not configured: .*Set STAGING_DATABASE_URL/);
    }),
  );

  test(
    'with it, step 3 offers staging; choosing the staging database saves `staging: database` in the spec',
    { timeout: 90_000 },
    named('wizard', async () => {
      await serve(true);
      await page.goto(`${base}/projects/${projectId}/pipeline`);
      const mode = page.getByLabel('Extract through staging');
      await mode.waitFor();
      assert.equal(await mode.inputValue(), 'direct', 'unset means direct');
      assert.deepEqual(
        await mode.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
        ['direct', 'database'],
      );
      // How long a completed run's rows stay is asked only once staging is chosen.
      assert.equal(await page.getByLabel("A completed run's staged rows").count(), 0);
      await mode.selectOption('database');
      await page.getByLabel("A completed run's staged rows").selectOption('hours');
      await page.getByLabel('Hours', { exact: true }).fill('24');
      await shot('01-step3-staging');
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
      const spec = await page.evaluate(async (id) => {
        const reply = await fetch(`/api/projects/${id}/export?format=json`);
        return (await reply.json()) as { pipeline: { staging?: string; keepStaging?: unknown } };
      }, projectId);
      assert.equal(spec.pipeline.staging, 'database');
      assert.deepEqual(spec.pipeline.keepStaging, { hours: 24 });
      await page.reload();
      assert.equal(await page.getByLabel('Extract through staging').inputValue(), 'database');
    }),
  );

  test(
    'a staged run’s schema is listed on the admin page with its execution, tables, size and age',
    { timeout: 120_000 },
    named('listed', async () => {
      await page.goto(`${base}/projects/${projectId}/execute`);
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'completed', 90_000);
      // Step 6 shows the extract's and the cleanse's own counts: all 3,000 rows staged and loaded.
      const extract = page.getByRole('table', { name: 'Extract into the staging database' });
      await extract.getByRole('cell', { name: '3,000 of 3,000' }).waitFor();
      assert.deepEqual(await tableRows(extract), [
        ['Table', 'Rows staged', 'Key ranges done'],
        ['reading → reading', '3,000 of 3,000', '1/1'],
      ]);
      const cleanse = page.getByRole('table', { name: 'Cleanse in the staging database' });
      const counts = await tableRows(cleanse);
      assert.deepEqual(counts[0]?.slice(0, 2), ['Table', 'Staged']);
      assert.deepEqual(counts[0]?.at(-1), 'Left to load');
      assert.deepEqual(counts[1]?.slice(0, 2), ['reading → reading', '3,000']);
      assert.deepEqual(counts[1]?.at(-1), '3,000');
      assert.ok(
        counts[1]?.slice(2, -1).every((n) => n === '0'),
        counts[1]?.join(),
      );
      // Kept 24 hours by keepStaging; the execution's id is in its name.
      const held = await heldSchemas();
      assert.equal(held.length, 1, held.join());
      const schema = held[0]!;
      const history = await page.evaluate(async (id) => {
        const reply = await fetch(`/api/executions?projectId=${id}&limit=1`);
        return (await reply.json()) as { data: { executions: { executionId: string }[] } };
      }, projectId);
      executionId = history.data.executions[0]?.executionId ?? '';
      assert.equal(schema, `databridge_stage_${executionId.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`);

      await page.goto(`${base}/admin`);
      const panel = page.getByRole('region', { name: 'Staging database' });
      const row = panel.locator(`tr[data-schema="${schema}"]`);
      await row.waitFor();
      const cells = await row.locator('td').allTextContents();
      const [run, project, state, tables, size, age, drops] = cells;
      assert.equal(run, executionId);
      assert.equal(project, 'Staged sensors');
      assert.equal(state, 'completed');
      const [counted] = (await rawExec(
        stagingDb,
        'postgres',
        `SELECT count(*)::int AS n, sum(pg_total_relation_size(format('%I.%I', schemaname, tablename)))::bigint AS bytes
           FROM pg_tables WHERE schemaname = '${schema}'`,
      )) as { n: number; bytes: string }[];
      assert.equal(Number(tables), counted!.n);
      assert.equal(size, formatBytes(Number(counted!.bytes)));
      assert.match(age ?? '', /^[01] min$/);
      // A time still to come: not "Dropped", which read as if it had been.
      assert.match(drops ?? '', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
      assert.deepEqual(await panel.locator('th').allTextContents(), [
        'Execution',
        'Project',
        'State',
        'Tables',
        'Size',
        'Age',
        'Retention drops it',
        'Actions',
      ]);
      assert.match((await panel.textContent()) ?? '', /1 run\(s\) held/);
      // The execution links to its monitor.
      assert.equal(
        await row.getByRole('link', { name: executionId }).getAttribute('href'),
        `/projects/${projectId}/execute?execution=${executionId}`,
      );
      await shot('02-admin-staging-held');
    }),
  );

  test(
    'a viewer gets neither the admin page nor the drop: the schema stays',
    { timeout: 90_000 },
    named('viewer', async () => {
      // Wherever the test before stopped, the admin adds the viewer on the admin page.
      await page.goto(`${base}/admin`);
      const users = page.getByRole('region', { name: 'Users' });
      await page.getByLabel('Name', { exact: true }).fill(VIEWER.name);
      await page.getByLabel('Email', { exact: true }).fill(VIEWER.email);
      await page.getByLabel('Password (12+ characters)').fill(VIEWER.password);
      await page.getByRole('button', { name: 'Add user' }).click();
      await users.getByRole('cell', { name: VIEWER.email, exact: true }).waitFor();
      assert.equal(await users.getByLabel(`Role of ${VIEWER.email}`).inputValue(), 'viewer');

      await signInAs(browser, page, base, VIEWER);
      assert.equal(await page.getByRole('link', { name: /^Administration/ }).count(), 0, 'no link to it');
      await page.goto(`${base}/admin`);
      await page.getByRole('heading', { name: 'Not allowed' }).waitFor();
      assert.equal(await page.getByRole('region', { name: 'Staging database' }).count(), 0);
      const statuses = await page.evaluate(async (id) => {
        const list = await fetch('/api/staging');
        const drop = await fetch(`/api/staging/${id}`, { method: 'DELETE' });
        return [list.status, drop.status];
      }, executionId);
      assert.deepEqual(statuses, [403, 403]);
      assert.equal((await heldSchemas()).length, 1, 'the schema stays');
    }),
  );

  test(
    'an admin’s Drop removes the schema from the staging database and the list',
    { timeout: 60_000 },
    named('drop', async () => {
      await signInAs(browser, page, base, ADMIN);
      await page.goto(`${base}/admin`);
      const panel = page.getByRole('region', { name: 'Staging database' });
      const [schema] = await heldSchemas();
      const row = panel.locator(`tr[data-schema="${schema}"]`);
      // The confirmation dialog is accepted by the browser support.
      await row.getByRole('button', { name: 'Drop' }).click();
      await row.waitFor({ state: 'detached' });
      assert.match((await panel.textContent()) ?? '', /0 run\(s\) held/);
      assert.deepEqual(await heldSchemas(), []);
      await shot('03-admin-staging-dropped');
    }),
  );

  test(
    'on a server without a staging database, a project that stages is warned at step 3 instead',
    { timeout: 90_000 },
    named('warned', async () => {
      await serve(false);
      await page.goto(`${base}/projects/${projectId}/pipeline`);
      await page
        .getByText(
          /This project stages its runs \(pipeline.staging: database\), but this server has no staging database/,
        )
        .waitFor();
      assert.equal(await page.getByLabel('Extract through staging').count(), 0);
    }),
  );
});
