import type { Connection, ConnectOptions, SqliteFolder } from '../connectors/connection.ts';
import { lazyConnection } from '../connectors/lazy-connection.ts';
import { openConnection } from '../connectors/open.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';

/**
 * Opens the spec's source and target with pools sized for its parallelism; closes the first if the
 * second fails. `sqliteFolder`: a server's confinement of SQLite files (none for the CLI).
 */
export async function openPair(
  spec: MigrationSpec,
  sqliteFolder?: SqliteFolder,
): Promise<{ source: Connection; target: Connection }> {
  const options = connectOptions(spec, sqliteFolder);
  const source = await openConnection(spec.source.url, options);
  try {
    const target = await openConnection(spec.target.url, options);
    return { source, target };
  } catch (error) {
    await source.close();
    throw error;
  }
}

/**
 * A staged run that has its plan already: the target at once, the source only if something still
 * needs it (an extract not finished), so that a load retried from staging never opens it.
 */
export async function openStagedPair(
  spec: MigrationSpec,
  sqliteFolder?: SqliteFolder,
): Promise<{ source: Connection; target: Connection }> {
  const options = connectOptions(spec, sqliteFolder);
  const source = await lazyConnection(spec.source.url, options);
  const target = await openConnection(spec.target.url, options);
  return { source, target };
}

/**
 * How a run opens a database: the spec's stall timeout, the server's SQLite confinement, and a pool of
 * `poolSize` connections, by default one source and one target connection per running task plus one
 * for the read-ahead.
 */
export function connectOptions(
  spec: MigrationSpec,
  sqliteFolder: SqliteFolder | undefined,
  poolSize = spec.pipeline.parallelism * 2 + 2,
): ConnectOptions {
  return {
    poolSize,
    stallTimeoutMs: spec.pipeline.stallTimeoutSeconds * 1000,
    ...(sqliteFolder ? { sqliteFolder } : {}),
  };
}
