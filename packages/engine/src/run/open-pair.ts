import type { Connection, SqliteFolder } from '../connectors/connection.ts';
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
  // Each running task holds one source and one target connection, plus one for the read-ahead.
  const poolSize = spec.pipeline.parallelism * 2 + 2;
  const confined = {
    ...(sqliteFolder ? { sqliteFolder } : {}),
    stallTimeoutMs: spec.pipeline.stallTimeoutSeconds * 1000,
  };
  const source = await openConnection(spec.source.url, { poolSize, ...confined });
  try {
    const target = await openConnection(spec.target.url, { poolSize, ...confined });
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
  const poolSize = spec.pipeline.parallelism * 2 + 2;
  const confined = {
    ...(sqliteFolder ? { sqliteFolder } : {}),
    stallTimeoutMs: spec.pipeline.stallTimeoutSeconds * 1000,
  };
  const source = await lazyConnection(spec.source.url, { poolSize, ...confined });
  const target = await openConnection(spec.target.url, { poolSize, ...confined });
  return { source, target };
}
