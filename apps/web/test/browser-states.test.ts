// What landed for issue 17 without a browser test, in Debian's Chromium against the built app (SQLite
// store, in-process executor, real PostgreSQL): Start is off, with the reason, while the plan refuses
// the spec; a run that processed nothing has no success rate; the monitor after a cancel (cancelling,
// then cancelled, and every stage and task state true); "Sign out everywhere" ends another session.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM, failureShots, launchBrowser } from './browser/browser.ts';
import {
  bigPostgresSource,
  chinookSourceFile,
  chinookTarget,
  freshPostgres,
  rawExec,
  type TestDatabase,
} from './browser/databases.ts';
import { ensureWebBuild } from './browser/web-build.ts';
import { startWebServer, type WebServer } from './browser/web-server.ts';
import {
  ADMIN,
  addConnection,
  barButton,
  createProject,
  metric,
  selectOptionStartingWith,
  signIn,
  stageStatuses,
  waitForStatus,
} from './browser/wizard.ts';

const PG = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
const READINGS = 200_000;

describe('execution states and the disabled Start, in Chromium', {
  skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}`,
}, () => {
  const databases: TestDatabase[] = [];
  let dataDir: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let base: string;

  const shot = (name: string) => browser.screenshot(page, `states-${name}`);

  before(async () => {
    await ensureWebBuild();
    dataDir = mkdtempSync(join(tmpdir(), 'databridge-browser-states-'));
    server = await startWebServer(dataDir);
    base = server.url;
    browser = await launchBrowser();
    page = await browser.newPage();
    await signIn(page, base);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await Promise.allSettled(databases.map((d) => d.drop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const named = failureShots(shot);

  test(
    'Start is off and says why while the plan refuses an unknown SQL function; a run that processed nothing shows no success rate',
    { timeout: 120_000 },
    named('start-blocked', async () => {
      const source = chinookSourceFile();
      const target = await chinookTarget();
      databases.push(source, target);
      await addConnection(page, base, { name: 'chinook', kind: 'sqlite', file: source.name });
      await addConnection(page, base, { name: 'warehouse', kind: 'postgres', ...PG, database: target.name });
      const projectId = await createProject(page, base, {
        name: 'Chinook music',
        source: 'chinook',
        target: 'warehouse',
      });
      await page.getByRole('heading', { name: 'Table mappings (11)' }).waitFor();
      await page.goto(`${base}/projects/${projectId}/columns`);
      await selectOptionStartingWith(page.getByLabel('Table mapping'), 'Artist → artist');
      await page.getByRole('button', { name: 'Transform name', exact: true }).click();
      await page.getByRole('radio', { name: 'A SQL expression' }).check();
      // Well formed, so the form takes it; only the plan, which asks SQLite, finds the function unknown.
      await page.getByLabel('SQL expression (source dialect)').fill('no_such_function(Name)');
      await page.getByRole('button', { name: 'Done' }).click();
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();

      await page.goto(`${base}/projects/${projectId}/preview`);
      const reason = page.getByTestId('start-blocked');
      await reason.waitFor({ timeout: 60_000 });
      assert.match(
        (await reason.textContent()) ?? '',
        /^Start is off until the plan accepts the spec: .*no_such_function/,
      );
      const start = barButton(page, 'Start migration');
      assert.ok(await start.isDisabled(), 'Start migration is disabled');
      assert.match((await start.getAttribute('title')) ?? '', /The plan refuses the saved spec/);
      // The same on step 6, where the button is used.
      await page.goto(`${base}/projects/${projectId}/execute`);
      await page.getByTestId('start-blocked').waitFor();
      assert.ok(await barButton(page, 'Start migration').isDisabled());
      await shot('01-start-blocked');

      // A program may still start it (the API does not ask the wizard): it fails before any row.
      const started = await page.evaluate(async (id) => {
        const reply = await fetch('/api/executions/start', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ projectId: id }),
        });
        return (await reply.json()) as { data?: { executionId: string } };
      }, projectId);
      assert.ok(started.data?.executionId, JSON.stringify(started));
      await page.goto(`${base}/projects/${projectId}/execute?execution=${started.data.executionId}`);
      await waitForStatus(page, 'failed', 60_000);
      assert.equal(await metric(page, 'success-rate'), '—');
      assert.match(await metric(page, 'rows'), /^0 of /);
      await shot('02-nothing-processed');
    }),
  );

  test(
    'a cancel mid-load: cancelling, then cancelled, and every stage and task says what happened',
    { timeout: 180_000 },
    named('cancel', async () => {
      const source = await bigPostgresSource(READINGS);
      const target = await freshPostgres();
      databases.push(source, target);
      // Each batch's COPY waits 50 ms (a statement trigger): the load lasts long enough to cancel.
      await rawExec(
        target,
        'postgres',
        `CREATE TABLE reading (id bigint PRIMARY KEY, sensor text NOT NULL, value numeric(12,3) NOT NULL, note text);
         CREATE FUNCTION slow_batch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.05); RETURN NULL; END $$;
         CREATE TRIGGER slow_batch AFTER INSERT ON reading FOR EACH STATEMENT EXECUTE FUNCTION slow_batch();`,
      );
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
      await page.goto(`${base}/projects/${projectId}/pipeline`);
      await page.getByLabel(/^Batch size/).fill('1000');
      await page.getByLabel(/^Parallelism/).fill('1');
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
      await page.goto(`${base}/projects/${projectId}/execute`);
      await page.getByText('Nothing has run yet.').waitFor();

      // Every status the monitor shows, in order, recorded in the page.
      await page.evaluate(RECORD_STATUSES);
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'running');
      await page.waitForFunction(() => {
        const bar = document.querySelector('[role="progressbar"]');
        return Number(bar?.getAttribute('aria-valuenow') ?? 0) >= 3;
      });
      await page.getByRole('button', { name: 'Cancel run', exact: true }).click();
      await page.getByRole('button', { name: 'Confirm cancel' }).click();
      await waitForStatus(page, 'cancelled', 30_000);
      const seen = (await page.evaluate('window.__statuses')) as string[];
      assert.deepEqual(
        seen.filter((s, i) => s !== seen[i - 1]).slice(-3),
        ['running', 'cancelling', 'cancelled'],
        `the statuses shown: ${seen.join(' ')}`,
      );
      // Nothing still claims to run: the stages as the store has them, the tasks as they ended.
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-stage]')].every(
          (el) => el.getAttribute('data-status') !== 'running',
        ),
      );
      assert.deepEqual(await stageStatuses(page), [
        'completed',
        'completed',
        'skipped',
        'cancelled',
        'skipped',
        'completed',
      ]);
      const facts = page.locator('[data-stage="load_facts"]');
      await facts.getByRole('button', { expanded: false }).first().click();
      const task = facts.locator('tr[data-task]');
      await task.first().waitFor();
      assert.deepEqual(await task.locator('td').nth(1).allTextContents(), ['cancelled']);
      assert.equal(await page.getByText('Writing the report…').count(), 0, 'no report is said to be pending');
      assert.ok(
        await page.getByRole('button', { name: 'Retry' }).isEnabled(),
        'a cancelled run may be retried',
      );
      assert.ok(await page.getByRole('button', { name: 'Cancel run', exact: true }).isDisabled());
      const [{ n: loaded }] = (await rawExec(
        target,
        'postgres',
        'SELECT count(*)::int AS n FROM reading',
      )) as [{ n: number }];
      assert.ok(loaded < READINGS, `the cancel stopped the load (${loaded} rows in)`);
      await shot('03-cancelled');
    }),
  );

  test(
    'a replace load shows the rows it sent as uncommitted, then as processed at its commit',
    { timeout: 180_000 },
    named('replace-uncommitted', async () => {
      const source = await bigPostgresSource(READINGS);
      const target = await freshPostgres();
      databases.push(source, target);
      // A row trigger that waits 50 ms every 2,000 rows: the one COPY of the replace lasts seconds.
      await rawExec(
        target,
        'postgres',
        `CREATE TABLE reading (id bigint PRIMARY KEY, sensor text NOT NULL, value numeric(12,3) NOT NULL, note text);
         CREATE FUNCTION slow_rows() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN IF NEW.id % 2000 = 0 THEN PERFORM pg_sleep(0.05); END IF; RETURN NEW; END $$;
         CREATE TRIGGER slow_rows BEFORE INSERT ON reading FOR EACH ROW EXECUTE FUNCTION slow_rows();`,
      );
      await addConnection(page, base, { name: 'meters', kind: 'postgres', ...PG, database: source.name });
      await addConnection(page, base, {
        name: 'meters-copy',
        kind: 'postgres',
        ...PG,
        database: target.name,
      });
      const projectId = await createProject(page, base, {
        name: 'Meter readings',
        source: 'meters',
        target: 'meters-copy',
      });
      await page.getByRole('heading', { name: 'Table mappings (1)' }).waitFor();
      await page.getByLabel(/^Load mode of reading → /).selectOption('replace');
      await barButton(page, 'Save').click();
      await page.getByText('All changes saved').waitFor();
      await page.goto(`${base}/projects/${projectId}/execute`);
      await page.getByText('Nothing has run yet.').waitFor();
      await barButton(page, 'Start migration').click();
      await waitForStatus(page, 'running');
      const uncommitted = page.getByTestId('rows-uncommitted');
      await uncommitted.waitFor({ timeout: 30_000 });
      const sent = (text: string | null) =>
        Number((/\+ ([\d,]+) sent/.exec(text ?? '')?.[1] ?? '0').replace(/,/g, ''));
      const first = sent(await uncommitted.textContent());
      assert.ok(first > 0, 'rows sent are shown');
      assert.match(
        await metric(page, 'rows'),
        /^0 of 200,000/,
        'none is counted as processed before the commit',
      );
      const facts = page.locator('[data-stage="load_facts"]');
      await facts.getByRole('button', { expanded: false }).first().click();
      await facts.getByTestId('task-uncommitted').waitFor();
      await shot('04-replace-uncommitted');
      await page.waitForFunction(
        (before) => {
          const text = document.querySelector('[data-testid="rows-uncommitted"]')?.textContent ?? '';
          const now = Number((/\+ ([\d,]+) sent/.exec(text)?.[1] ?? '0').replace(/,/g, ''));
          return now > before || text === '';
        },
        first,
        { timeout: 30_000 },
      );
      await waitForStatus(page, 'completed', 90_000);
      assert.equal(await uncommitted.count(), 0, 'nothing is uncommitted once the load committed');
      assert.match(await metric(page, 'rows'), /^200,000 of 200,000/);
    }),
  );

  test(
    '“Sign out everywhere” in the header ends another session of the account',
    { timeout: 60_000 },
    named('sign-out-everywhere', async () => {
      // Another browser: a session of its own, by the sign-in API as any client does it.
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
      });
      assert.equal(login.status, 200, await login.clone().text());
      const cookie = (login.headers.getSetCookie()[0] ?? '').split(';')[0]!;
      const me = () => fetch(`${base}/api/auth/me`, { headers: { cookie } }).then((r) => r.status);
      assert.equal(await me(), 200, 'the other session is signed in');

      await page.goto(`${base}/projects`);
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page.waitForURL(/\/login$/);
      assert.equal(await me(), 401, 'the other session is over too');
      await page.goto(`${base}/projects`);
      await page.waitForURL(/\/login$/);
      await shot('05-signed-out-everywhere');
    }),
  );
});

/** Records in `window.__statuses` every status the monitor's progress bar takes. */
const RECORD_STATUSES = `(() => {
  window.__statuses = [];
  const record = () => {
    const status = document.querySelector('[role="progressbar"]')?.getAttribute('data-status');
    if (status && window.__statuses.at(-1) !== status) window.__statuses.push(status);
  };
  new MutationObserver(record).observe(document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-status'],
  });
  record();
})()`;
