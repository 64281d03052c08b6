import type pg from 'pg';
import type { BulkLoader } from '../connectors/connection.ts';
import { answerWithin, DEFAULT_STALL_TIMEOUT_MS } from '../connectors/stall-guard.ts';
import type { PostgresDialect } from './postgres-dialect.ts';
import { mapPgErrors, toDataBridgeError } from './postgres-errors.ts';
import { PostgresLoadSession, stalledSession } from './postgres-load-session.ts';

/** Opens load sessions: one pooled connection each, inside one transaction until commit or rollback. */
export class PostgresBulkLoader implements BulkLoader {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dialect: PostgresDialect,
    private readonly stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
  ) {}

  async begin(): Promise<PostgresLoadSession> {
    const action = 'Opening a load transaction';
    const client = await mapPgErrors(action, () => this.pool.connect());
    try {
      await answerWithin(
        this.stallTimeoutMs,
        () => client.query('BEGIN'),
        () => stalledSession(client, action, this.stallTimeoutMs),
      );
    } catch (error) {
      client.release(error instanceof Error ? error : new Error(String(error)));
      throw toDataBridgeError(error, action);
    }
    return new PostgresLoadSession(client, this.dialect, this.stallTimeoutMs);
  }
}
