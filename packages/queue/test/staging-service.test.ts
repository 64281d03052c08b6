import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  createStagingSchema,
  listStagingSchemas,
  stagingDatabase,
  stagingSchemaName,
} from '@databridge/engine';
import { createExecution, listAudit, updateExecution } from '@databridge/store';
import pg from 'pg';
import { recordEnded, recordRunning } from '../../engine/src/staging/staging-ledger.ts';
import { freshPostgres, type TestDatabase } from '../../engine/test/support/databases.ts';
import type { ServiceError } from '../src/services/service-error.ts';
import { dropStagingForActor, getStagingOverview } from '../src/services/staging-service.ts';
import { ADMIN_ACTOR as admin } from './support/actors.ts';
import { openHarness, projectFor } from './support/harness.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const ONE_TABLE = { mappings: [{ source: 't', target: 't', columns: [{ source: 'id', target: 'id' }] }] };

describe('the admin page’s staging service', () => {
  it('lists each schema with its execution, project, state, size and drop time; drops one with an audit entry', async () => {
    const stagingDb = await freshPostgres();
    databases.push(stagingDb);
    const staging = stagingDatabase(stagingDb.url, 'STAGING_DATABASE_URL');
    const client = new pg.Client({ connectionString: stagingDb.url });
    await client.connect();
    const sql = async (text: string, params?: readonly unknown[]) =>
      (await client.query(text, params as unknown[] | undefined)).rows;
    const h = await openHarness('sqlite', 'in-process');
    try {
      const ctx = { store: h.store, env: { staging, stagingFailedRetentionDays: 7 } };
      const project = await projectFor(h.store, 'sqlite:a.db', 'sqlite:b.db', ONE_TABLE);
      const failed = await createExecution(h.store, { projectId: project.id });
      const running = await createExecution(h.store, { projectId: project.id });
      const ended = new Date(Date.now() - 2 * 86_400_000);
      for (const status of ['queued', 'running', 'failed'] as const)
        await updateExecution(h.store, failed.id, {
          status,
          ...(status === 'failed' ? { endedAt: ended } : {}),
        });
      for (const status of ['queued', 'running'] as const)
        await updateExecution(h.store, running.id, { status });
      for (const e of [failed, running]) {
        const schema = await createStagingSchema(staging, e.id);
        await recordRunning(sql, { runId: e.id, schema, project: project.name });
      }
      await sql(
        `CREATE TABLE ${stagingSchemaName(failed.id)}.task_m1 AS SELECT g AS id FROM generate_series(1, 5000) g`,
      );
      await recordEnded(sql, stagingSchemaName(failed.id), 'failed', ended);
      const cli = await createStagingSchema(staging, 'cli-run');
      await recordRunning(sql, { runId: 'cli-run', schema: cli, project: 'nightly', keep: { runs: 2 } });
      await recordEnded(sql, cli, 'completed');

      const overview = await getStagingOverview(ctx);
      assert.equal(overview.configured, true);
      assert.doesNotMatch(JSON.stringify(overview), /password/);
      const byRun = new Map(overview.schemas.map((s) => [s.runId, s]));
      const f = byRun.get(failed.id)!;
      assert.equal(f.projectId, project.id);
      assert.equal(f.project, project.name);
      assert.equal(f.state, 'failed');
      assert.equal(f.tables, 1);
      assert.ok(f.bytes > 100_000, `size ${f.bytes}`);
      assert.equal(f.endedAt, ended.toISOString());
      assert.deepEqual(f.drop, {
        kind: 'at',
        at: new Date(ended.getTime() + 7 * 86_400_000).toISOString(),
        why: 'a failed run keeps its staged rows 7 day(s) for a retry',
      });
      assert.equal(byRun.get(running.id)!.state, 'running');
      assert.equal(byRun.get(running.id)!.drop.kind, 'never');
      const c = byRun.get('cli-run')!;
      assert.deepEqual(
        [c.projectId, c.project, c.state, c.drop.kind],
        [null, 'nightly', 'completed', 'after_runs'],
      );
      assert.equal(
        overview.bytes,
        overview.schemas.reduce((n, s) => n + s.bytes, 0),
      );

      // An active execution's schema is refused; a failed one goes, with who and why in the audit log.
      await assert.rejects(
        dropStagingForActor(ctx, running.id, { actor: admin, ip: '10.0.0.1' }),
        (e: ServiceError) => e.status === 409 && /still active .* cancel it first/.test(e.message),
      );
      const dropped = await dropStagingForActor(ctx, stagingSchemaName(failed.id), {
        actor: admin,
        ip: '10.0.0.1',
      });
      assert.deepEqual(dropped, { dropped: stagingSchemaName(failed.id), runId: failed.id });
      assert.deepEqual(
        (await listStagingSchemas(staging)).map((s) => s.schema).sort(),
        [cli, stagingSchemaName(running.id)].sort(),
      );
      const [entry] = (await listAudit(h.store, { action: 'staging.drop' })).items;
      assert.equal(entry?.actor.display, 'ada@example.com');
      assert.deepEqual(entry?.target, { kind: 'execution', id: failed.id });
      assert.equal(entry?.ip, '10.0.0.1');
      assert.equal(
        (entry?.details?.before as { schema?: string } | undefined)?.schema,
        stagingSchemaName(failed.id),
      );
      const [ledger] = await sql('SELECT dropped_why FROM databridge_staging_runs WHERE schema_name = $1', [
        stagingSchemaName(failed.id),
      ]);
      assert.equal(ledger?.dropped_why, 'dropped by ada@example.com on the admin page');
      await assert.rejects(
        dropStagingForActor(ctx, failed.id, { actor: admin, ip: null }),
        (e: ServiceError) => e.status === 404,
      );
    } finally {
      await client.end();
      await h.close();
    }
  });

  it('without STAGING_DATABASE_URL: not configured, nothing listed, a drop says why it cannot', async () => {
    const h = await openHarness('sqlite', 'in-process');
    try {
      const ctx = { store: h.store, env: { staging: undefined } };
      const overview = await getStagingOverview(ctx);
      assert.deepEqual([overview.configured, overview.schemas, overview.database], [false, [], null]);
      await assert.rejects(
        dropStagingForActor(ctx, 'x', { actor: admin, ip: null }),
        (e: ServiceError) => e.status === 409 && /STAGING_DATABASE_URL is not set/.test(e.message),
      );
    } finally {
      await h.close();
    }
  });

  it('a staging database that does not answer is a problem on the page, not an error', async () => {
    const h = await openHarness('sqlite', 'in-process');
    try {
      const staging = stagingDatabase('postgres://postgres@127.0.0.1:1/nowhere', 'STAGING_DATABASE_URL');
      const overview = await getStagingOverview({ store: h.store, env: { staging } });
      assert.equal(overview.configured, true);
      assert.match(overview.problem ?? '', /did not answer .* check STAGING_DATABASE_URL/);
    } finally {
      await h.close();
    }
  });
});
