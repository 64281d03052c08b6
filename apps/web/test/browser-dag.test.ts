// Step 5's Graph and step 6's "Deploy to Airflow" in Debian's Chromium against the built app (SQLite
// store, in-process executor, real PostgreSQL): the Chinook DAG shows every task with its whole name,
// a table's box opens its mapping, Deploy hands over the DAG file, and the Grid shows three runs by
// task, a failed task's cell opening its log.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM, failureShots } from './browser/browser.ts';
import { type ChinookProject, openChinookProject } from './browser/chinook-project.ts';
import { rawExec, type TestDatabase } from './browser/databases.ts';
import { BROWSER_WAIT_MS } from './browser/wizard.ts';

describe('the run as a graph, in Chromium', { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, () => {
  let project: ChinookProject;
  let browser: Browser;
  let page: Page;
  let base: string;
  let projectId: string;
  let target: TestDatabase;

  before(async () => {
    project = await openChinookProject('databridge-browser-dag-', 'Chinook music');
    ({ browser, page, base, projectId, target } = project);
  });

  after(async () => {
    await project?.close();
  });

  const named = failureShots((name: string) => browser.screenshot(page, `dag-${name}`));

  test(
    'step 5 draws every Chinook task with its whole name inside its box and on screen',
    { timeout: 120_000 },
    named('graph', async () => {
      await page.goto(`${base}/projects/${projectId}/preview`);
      const graph = page.getByTestId('dag-graph');
      await graph.waitFor({ timeout: 60_000 });
      const dag = (await (await page.request.get(`${base}/api/projects/${projectId}/dag`)).json()).data as {
        tasks: { id: string; kind: string; stage: string }[];
      };
      assert.equal(dag.tasks.length, 6 + 11);
      const boxes = await graph.locator('g[data-task-id]').evaluateAll((groups) =>
        groups.map((g) => {
          const rect = g.querySelector('rect')!.getBoundingClientRect();
          const text = g.querySelector('text')!;
          const t = text.getBoundingClientRect();
          return {
            id: g.getAttribute('data-task-id'),
            label: text.textContent,
            inside:
              t.left >= rect.left && t.right <= rect.right && t.top >= rect.top && t.bottom <= rect.bottom,
            onScreen: rect.left >= 0 && rect.right <= window.innerWidth,
            fontPx: t.height,
          };
        }),
      );
      assert.deepEqual(boxes.map((b) => b.id).sort(), dag.tasks.map((t) => t.id).sort());
      for (const box of boxes) {
        const task = dag.tasks.find((t) => t.id === box.id)!;
        const expected = task.kind === 'stage' ? task.id : task.id.slice(task.stage.length + 1);
        assert.equal(box.label, expected);
        assert.ok(box.inside, `${box.id}: its name runs out of its box`);
        assert.ok(box.onScreen, `${box.id}: off screen`);
        assert.ok(box.fontPx >= 10, `${box.id}: its name is too small to read (${box.fontPx} px)`);
      }
      await page.getByText('The run as a list (17 tasks)').click();
      await page.getByRole('link', { name: 'load_facts.invoice_line', exact: true }).waitFor();
      await browser.screenshot(page, 'dag-graph');
    }),
  );

  test(
    "clicking a table's box opens its mapping in step 2",
    { timeout: 60_000 },
    named('open-mapping', async () => {
      await page.getByRole('link', { name: 'load_facts.invoice_line: open its mapping' }).click();
      await page.waitForURL(/\/columns\?mapping=m\d+$/, { timeout: BROWSER_WAIT_MS });
      const mapping = page.getByLabel('Table mapping');
      await page.waitForFunction(
        () => {
          const select = document.querySelector('select') as HTMLSelectElement | null;
          return select?.selectedOptions[0]?.textContent?.startsWith('InvoiceLine → invoice_line') ?? false;
        },
        undefined,
        { timeout: BROWSER_WAIT_MS },
      );
      assert.match(
        (await mapping.locator('option:checked').textContent()) ?? '',
        /^InvoiceLine → invoice_line/,
      );
    }),
  );

  test(
    'step 6: Deploy to Airflow without a dags folder downloads the DAG file and hands the timetable to Airflow',
    { timeout: 60_000 },
    named('deploy', async () => {
      await page.goto(`${base}/projects/${projectId}/execute`);
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: BROWSER_WAIT_MS }),
        page.getByRole('button', { name: 'Deploy to Airflow' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'databridge__chinook_music.py');
      const text = readFileSync((await download.path())!, 'utf8');
      assert.match(text, /^DAG_ID = "databridge__chinook_music"$/m);
      await page
        .getByText(/Airflow runs it as databridge__chinook_music/)
        .waitFor({ timeout: BROWSER_WAIT_MS });
      const project = (await (await page.request.get(`${base}/api/projects/${projectId}`)).json()).data;
      assert.equal(project.spec.schedule.owner, 'airflow');
    }),
  );

  test(
    "step 6's Grid: three runs by task with their states; a failed task's cell opens its log, and Clear reruns only it and what follows",
    { timeout: 300_000 },
    named('grid', async () => {
      const TABLES =
        'album, artist, customer, employee, genre, invoice, invoice_line, media_type, playlist, playlist_track, track';
      const run = async () => {
        const reply = await page.request.post(`${base}/api/executions/start`, { data: { projectId } });
        assert.equal(reply.status(), 201, await reply.text());
        const id = (await reply.json()).data.executionId as string;
        for (let i = 0; i < 240; i++) {
          const status = (await (await page.request.get(`${base}/api/executions/${id}/status`)).json()).data
            .status;
          if (['completed', 'failed', 'cancelled'].includes(status)) return status as string;
          await new Promise((r) => setTimeout(r, 500));
        }
        throw new Error(`run ${id} did not end`);
      };
      assert.equal(await run(), 'completed');
      await rawExec(target, 'postgres', `TRUNCATE ${TABLES} CASCADE`);
      assert.equal(await run(), 'completed');
      // The third run meets a CHECK no invoice line passes: that task fails, the run with it.
      await rawExec(
        target,
        'postgres',
        `TRUNCATE ${TABLES} CASCADE; ALTER TABLE invoice_line ADD CONSTRAINT no_sales CHECK (quantity < 0)`,
      );
      assert.equal(await run(), 'failed');

      await page.goto(`${base}/projects/${projectId}/execute`);
      const grid = page.getByTestId('run-grid');
      await grid.waitFor({ timeout: BROWSER_WAIT_MS });
      assert.deepEqual(await grid.getByTestId('grid-execution-status').allTextContents(), [
        'completed',
        'completed',
        'failed',
      ]);
      await page.getByRole('button', { name: 'load_facts.invoice_line, run 1: completed' }).waitFor();
      await page.getByRole('img', { name: 'load_facts, run 3: failed' }).waitFor();
      await browser.screenshot(page, 'run-grid');
      await page.getByRole('button', { name: 'load_facts.invoice_line, run 3: failed' }).click();
      const panel = page.getByRole('region', { name: 'Task load_facts.invoice_line, run 3' });
      await panel.getByText(/^failed, attempt 1/).waitFor({ timeout: BROWSER_WAIT_MS });
      await panel
        .getByText(/no_sales/)
        .first()
        .waitFor();
      const lines = await panel.getByRole('list', { name: 'Log lines' }).locator('li').allTextContents();
      assert.ok(
        lines.some((l) => /ERROR task InvoiceLine → invoice_line failed/.test(l)),
        lines.join('\n'),
      );

      // Clear the failed task once the constraint is gone: it runs again; the completed tasks do not.
      const gridData = (await (await page.request.get(`${base}/api/projects/${projectId}/grid`)).json()).data;
      const runId = gridData.executions[2].executionId as string;
      const artist = gridData.rows.find((r: { id: string }) => r.id === 'load_dimensions.artist')
        .taskId as string;
      const detail = async (taskId: string) =>
        (await (await page.request.get(`${base}/api/executions/${runId}/task?task=${taskId}`)).json()).data
          .task;
      const artistBefore = await detail(artist);
      await rawExec(target, 'postgres', 'ALTER TABLE invoice_line DROP CONSTRAINT no_sales');
      await panel.getByRole('button', { name: 'Clear: run this task and what follows again' }).click();
      await panel.getByText(/^Cleared: \d+ task\(s\) run again/).waitFor({ timeout: BROWSER_WAIT_MS });
      await page
        .getByRole('button', { name: 'load_facts.invoice_line, run 3: completed' })
        .waitFor({ timeout: 120_000 });
      await page.getByRole('img', { name: 'report, run 3: completed' }).waitFor({ timeout: 60_000 });
      assert.equal((await detail(artist)).startTime, artistBefore.startTime, 'artist did not load again');
      const counted = (await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM invoice_line')) as {
        n: number;
      }[];
      assert.equal(counted[0]?.n, 2240);
    }),
  );

  test(
    'the dependencies page, laid out by dagre too: projects apart, upstream on the left',
    { timeout: 60_000 },
    named('dependencies', async () => {
      const connections = (await (await page.request.get(`${base}/api/connections`)).json()).data as {
        id: string;
        name: string;
      }[];
      const id = (name: string) => connections.find((c) => c.name === name)!.id;
      const created = await page.request.post(`${base}/api/projects`, {
        data: {
          name: 'Chinook marts',
          sourceConnectionId: id('chinook'),
          targetConnectionId: id('warehouse'),
        },
      });
      assert.equal(created.status(), 201, await created.text());
      const downstream = (await created.json()).data;
      const patched = await page.request.patch(`${base}/api/projects/${downstream.id}`, {
        data: { spec: { ...downstream.spec, schedule: { cron: 'daily', dependsOn: ['Chinook music'] } } },
      });
      assert.equal(patched.status(), 200, await patched.text());
      await page.goto(`${base}/dependencies`);
      const svg = page.locator('svg[role="img"]').first();
      await svg.waitFor({ timeout: BROWSER_WAIT_MS });
      const boxes = await svg.locator('rect').evaluateAll((rects) =>
        rects.map((r) => {
          const b = r.getBoundingClientRect();
          return {
            left: b.left,
            right: b.right,
            top: b.top,
            bottom: b.bottom,
            text: r.parentElement?.textContent ?? '',
          };
        }),
      );
      assert.equal(boxes.length, 2);
      const [a, b] = boxes as [(typeof boxes)[number], (typeof boxes)[number]];
      assert.ok(
        a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top,
        'boxes overlap',
      );
      const upstream = boxes.find((x) => x.text.includes('Chinook music'))!;
      const down = boxes.find((x) => x.text.includes('Chinook marts'))!;
      assert.ok(upstream.right <= down.left, 'the upstream project is on the left');
      const arrows = await svg
        .locator('path')
        .evaluateAll((paths) => paths.filter((p) => !p.closest('marker')).length);
      assert.equal(arrows, 1);
      await browser.screenshot(page, 'dependencies-dagre');
    }),
  );
});
