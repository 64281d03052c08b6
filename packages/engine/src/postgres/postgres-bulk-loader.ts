import type pg from 'pg';
import type { BulkLoader } from '../connectors/connection.ts';
import type { PostgresDialect } from './postgres-dialect.ts';
import { mapPgErrors, toDataBridgeError } from './postgres-errors.ts';
import { PostgresLoadSession } from './postgres-load-session.ts';

/** Opens load sessions: one pooled connection each, inside one transaction until commit or rollback. */
export class PostgresBulkLoader implements BulkLoader {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dialect: PostgresDialect,
  ) {}

  async begin(): Promise<PostgresLoadSession> {
    const action = 'Opening a load transaction';
    const client = await mapPgErrors(action, () => this.pool.connect());
    try {
      await client.query('BEGIN');
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw toDataBridgeError(error, action);
    }
    return new PostgresLoadSession(client, this.dialect);
  }
}
